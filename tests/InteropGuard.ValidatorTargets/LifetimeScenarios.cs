// LifetimeScenarios.cs: target states for the validator's lifetime findings: native memory that still holds a
// pointer into a released mapped view, the entry of a released GuardedCallback, or a string whose pin was released.
using System.Collections.Generic;
using System.IO.MemoryMappedFiles;

namespace InteropGuard.ValidatorTargets;

internal static unsafe partial class Scenarios
{
    private static MemoryMappedFile? s_file;
    private static MemoryMappedViewAccessor? s_accessor;
    private static GuardedCallback<TargetCallback>? s_guarded;

    /// <summary>A native block keeps a pointer into a mapped view; the view is released (the accessor still maps it, so only
    /// the table says it is gone). Correct: native code clears its copy before the release.</summary>
    private static IEnumerable<ulong> ViewKept(bool bug)
    {
        s_file = MemoryMappedFile.CreateNew(null, 64 * 1024);
        s_accessor = s_file.CreateViewAccessor(0, 64 * 1024);
        MappedView view = Guard.MapView(s_accessor);
        s_block = NativeBuffer.Allocate(64);
        KeepIn(s_block, 24, view.Pointer + 4096);
        if (!bug)
        {
            KeepIn(s_block, 24, 0);
        }

        view.Release();
        yield return 0;
    }

    /// <summary>A native block keeps a GuardedCallback's function pointer (a registration) past the callback's release.
    /// Correct: native code unregisters it first.</summary>
    private static IEnumerable<ulong> CallbackKept(bool bug)
    {
        s_guarded = Guard.Callback<TargetCallback>(x => x + 1);
        s_block = NativeBuffer.Allocate(64);
        KeepIn(s_block, 8, s_guarded.Pointer);
        if (!bug)
        {
            KeepIn(s_block, 8, 0);
        }

        s_guarded.Release();
        yield return 0;
    }

    /// <summary>Native code keeps a pointer into a pinned string past the pin (SQLITE_STATIC style). Correct: a
    /// NativeBuffer.FromString copy native code may keep.</summary>
    private static IEnumerable<ulong> StringKept(bool bug)
    {
        s_string = new string('q', 40); // not a literal: a heap string
        s_block = NativeBuffer.Allocate(64);
        if (bug)
        {
            Pin pin = Guard.Pin(s_string);
            KeepIn(s_block, 16, pin.Pointer + 2);
            pin.Release();
        }
        else
        {
            s_other = NativeBuffer.FromString(s_string, System.Text.Encoding.UTF8);
            KeepIn(s_block, 16, s_other.Pointer + 2);
        }

        yield return 0;
    }

    /// <summary>Native code stores <paramref name="value"/> at <paramref name="offset"/> of the block (0 = clears it).</summary>
    private static void KeepIn(NativeBuffer holder, nuint offset, nint value) => TargetNative.KeepIn((void*)holder.Pointer, offset, (void*)value);
}

/// <summary>The callback type of <see cref="Scenarios"/>' callback-kept state.</summary>
[System.Runtime.InteropServices.UnmanagedFunctionPointer(System.Runtime.InteropServices.CallingConvention.Cdecl)]
internal delegate int TargetCallback(int x);
