// Pin.cs: managed memory pinned for native code; in modes 1 and 2 its range is tracked so a use after Dispose is a use-after-unpin.
using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Checks;
using InteropGuard.Handles;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard;

/// <summary>A pin of managed memory (from <see cref="Guard.Pin{T}(T[], string, string, int)"/> and its overloads).
/// Disposing releases the pin; a released pin is remembered in its thread's pin log with a weak handle to its object
/// (reused per log slot), so a later use can be confirmed.
/// Not finalizable: a pin that is never disposed stays pinned (a leak the validator reports as <c>leaked-pin</c>).</summary>
public sealed unsafe class Pin : IDisposable
{
    // An array's or string's pin holds its pinned handle here and nothing else: the parts only a Memory pin or a pin the
    // shared table holds needs sit in _rare, so the object every Guard.Pin allocates stays small.
    private GCHandle _pinned;
    private RareParts? _rare;
    private int _released;

    private Pin(nint pointer, nint length, GCHandle pinned, RareParts? rare)
    {
        Pointer = pointer;
        Length = length;
        _pinned = pinned;
        _rare = rare;
    }

    /// <summary>The first pinned byte; 0 only for a pin of an empty <see cref="Memory{T}"/>. Stays valid as a number
    /// after Dispose (that is how a use-after-unpin is found).</summary>
    public nint Pointer { get; }

    /// <summary>Pinned bytes; 0 for empty arrays, strings and memory.</summary>
    public nint Length { get; }

    /// <summary>The shadow-table id of the range; 0 in mode 0, without the native library, or when the table was full.</summary>
    public ulong Id { get; private set; }

    /// <summary>True once <see cref="Dispose()"/> ran.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Marks the range as retained by native code past the call (<c>IG_RANGE_F_RETAINED</c>): the validator
    /// checks retained pins. No effect when untracked or released. Returns this pin.</summary>
    public Pin RetainedByNative()
    {
        if (Id != 0 && !IsReleased)
        {
            IgNative.ig_range_set_flags(Id, IgConstants.FlagRetained, 0);
        }

        return this;
    }

    /// <summary>Releases the pin (idempotent). Reports name this release "call site not recorded" unless
    /// capture_stacks=1 (naming the caller costs a ~14 µs stack walk); use <see cref="Release(string, string, int)"/>
    /// to record the caller for free.</summary>
    public void Dispose()
    {
        if (Id == 0)
        {
            ReleaseCore(null);
            return;
        }

        if (IsReleased)
        {
            return;
        }

        ReleaseCore(CallerSite.ForDispose(nameof(Pin)));
    }

    /// <summary>Releases the pin (idempotent), recording the caller as the release site at no cost.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public void Release([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (Id == 0)
        {
            ReleaseCore(null);
            return;
        }

        ReleaseCore(SiteRegistry.GetFromCaller(member, file, line));
    }

    /// <summary>Pins an array or string and tracks it.</summary>
    internal static Pin OfObject(object target, nint length, string member, string file, int line)
    {
        GCHandle pinned = GCHandle.Alloc(target, GCHandleType.Pinned);
        nint pointer = pinned.AddrOfPinnedObject();
        var pin = new Pin(pointer, length, pinned, null);
        pin.Track(target, member, file, line, byteOffset: 0);
        return pin;
    }

    /// <summary>Pins a Memory and tracks it (with its array or string when there is one).</summary>
    internal static Pin OfMemory<T>(Memory<T> memory, string member, string file, int line)
        where T : unmanaged
    {
        MemoryHandle handle = memory.Pin();
        nint pointer = (nint)handle.Pointer;
        nint length = checked((nint)memory.Length * sizeof(T));
        object? target = null;
        if (MemoryMarshal.TryGetArray((ReadOnlyMemory<T>)memory, out ArraySegment<T> segment) && segment.Array is not null)
        {
            target = segment.Array;
        }
        else if (typeof(T) == typeof(char))
        {
            ReadOnlyMemory<char> chars = Unsafe.As<Memory<T>, ReadOnlyMemory<char>>(ref memory);
            if (MemoryMarshal.TryGetString(chars, out string? text, out _, out _))
            {
                target = text;
            }
        }

        nint offset = target is null ? 0 : pointer - PinSideTable.DataAddress(target);
        var pin = new Pin(pointer, length, default, new RareParts { Memory = handle, HasMemory = true, ByteOffset = offset });
        if (pointer != 0)
        {
            pin.Track(target, member, file, line, offset);
        }

        return pin;
    }

    private void Track(object? target, string member, string file, int line, nint byteOffset)
    {
        if (!GuardRuntime.Enabled)
        {
            return; // mode 0: a plain pin
        }

        uint site = SiteRegistry.Intern(member, file, line);
        uint flags = target is string ? IgConstants.FlagManagedString : 0; // reports of a string suggest a NativeBuffer copy
        ulong id = PinLogHandles.Register(target, (void*)Pointer, (nuint)Length, flags, site, byteOffset, "pins", out GCHandle ownWeak);
        if (id == 0)
        {
            return;
        }

        if (ownWeak.IsAllocated)
        {
            _rare ??= new RareParts();
            _rare.Weak = ownWeak; // a pin the log could not hold: its own weak handle, for the side table at release
            _rare.ByteOffset = byteOffset;
        }

        Id = id;
        if (GuardRuntime.Options.CaptureStacks)
        {
            StackStore.RecordAlloc(id, SiteRegistry.CaptureStack(2));
        }
    }

    private void ReleaseCore(SourceSite? site)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        // Release the range first, then unpin: there is no moment where the object is unpinned but tracked live.
        RangeRegistration.Release(Id, site);

        if (_pinned.IsAllocated)
        {
            _pinned.Free();
        }

        if (_rare is { } rare)
        {
            ReleaseRare(rare);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReleaseRare(RareParts rare)
    {
        if (rare.HasMemory)
        {
            rare.Memory.Dispose();
        }

        if (rare.Weak.IsAllocated)
        {
            PinSideTable.Add(Id, rare.Weak, Pointer, rare.ByteOffset); // a pin the log could not hold: the side table owns its weak handle now
            rare.Weak = default;
        }
    }

    // What a Memory pin (its MemoryHandle, where its bytes start in the object) or a pin the shared table holds (its own
    // weak handle) needs beyond an array's pin.
    private sealed class RareParts
    {
        public MemoryHandle Memory;
        public bool HasMemory;
        public GCHandle Weak;
        public nint ByteOffset;
    }
}
