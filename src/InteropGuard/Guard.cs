// Guard.cs: the static entry point: mode, options, the call-boundary check, pins, Verify, Validate and the report event.
using System;
using System.Collections.Generic;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using InteropGuard.Checks;
using InteropGuard.Handles;
using InteropGuard.Native;
using InteropGuard.Pooling;
using InteropGuard.Reporting;
using InteropGuard.Shadow;
using InteropGuard.Validation;
using CallSite = InteropGuard.Checks.CallSite;

namespace InteropGuard;

/// <summary>The InteropGuard runtime. Everything here is safe to call in every mode: in mode 0 (or without the native
/// library) checks return at once and pins are plain pinned GC handles.</summary>
public static unsafe class Guard
{
    // Read once; static readonly so the JIT folds `if (!s_enabled) return;` in mode 0.
    private static readonly bool s_enabled = GuardRuntime.Enabled;

    /// <summary>The mode from <c>INTEROPGUARD</c> (0, 1, 2; unset or invalid = 1), read once per process.</summary>
    public static GuardMode Mode => GuardRuntime.Mode;

    /// <summary>True when <see cref="Mode"/> is not Off and the native library loaded; false means nothing is checked.</summary>
    public static bool IsEnabled => s_enabled;

    /// <summary>The options parsed from <c>INTEROPGUARD_OPTIONS</c> (defaults when unset); never null.</summary>
    public static GuardOptions Options => GuardRuntime.Options;

    /// <summary>Violations reported so far in this process (after detect_ and suppression filtering; deduped and
    /// unprinted reports count too).</summary>
    public static long ReportCount => Reporter.Count;

    /// <summary>Raised for every reported violation (after detect_/suppression filtering), on the detecting thread,
    /// before an exception is thrown or the process halts. Handlers must not throw (a throwing handler is reported as
    /// a warning and ignored). Null handlers are ignored.</summary>
    public static event Action<Violation>? ViolationReported
    {
        add => Reporter.ViolationReported += value;
        remove => Reporter.ViolationReported -= value;
    }

    /// <summary>The call-boundary check (cgocheck=1): may <c>[pointer, pointer+length)</c> reach a native call?
    /// Costs one lock-free shadow-table lookup in modes 1 and 2, nothing in mode 0. Throws
    /// <see cref="InteropViolationException"/> (or aborts with halt_on_error=1) for a pointer into a freed block, a
    /// released pin/view/callback, or an access that leaves a known range, when the kind's detect_ option is on.
    /// Unknown addresses (including null, any length) are allowed: what the boundary reports, it knows. A length
    /// past the end of the address space is clamped (and reported as an overflow when the pointer is in a known range).</summary>
    /// <param name="pointer">First byte the call may access; 0 = null (allowed).</param>
    /// <param name="length">Bytes the call may access; 0 = the pointer itself only.</param>
    /// <param name="argument">The argument expression (filled in by the compiler); null = unknown.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative (modes 1 and 2).</exception>
    [SkipLocalsInit]
    public static void Check(nint pointer, nint length,
        [CallerArgumentExpression(nameof(pointer))] string? argument = null,
        [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!s_enabled)
        {
            return; // mode 0 or no native library
        }

        if (length < 0)
        {
            ThrowNegativeLength(length, argument);
        }

        if (pointer == 0)
        {
            return; // null: nothing the table knows
        }

        nuint len = (nuint)length;
        nuint room = nuint.MaxValue - (nuint)pointer;
        if (len > room)
        {
            len = room; // clamp: [pointer, end of address space)
        }

        IgViolation native;
        uint kind = IgNative.ig_check((void*)pointer, len, &native);
        if (kind != 0)
        {
            BoundaryCheck.OnFinding(kind, in native, new CallSite(argument, member, file, line));
        }
    }

    /// <summary>The call-boundary check for a raw pointer; see <see cref="Check(nint, nint, string?, string, string, int)"/>.</summary>
    /// <param name="pointer">First byte the call may access; null is allowed.</param>
    /// <param name="length">Bytes the call may access.</param>
    /// <param name="argument">The argument expression (compiler-filled).</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public static void Check(void* pointer, nint length,
        [CallerArgumentExpression(nameof(pointer))] string? argument = null,
        [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        => Check((nint)pointer, length, argument, member, file, line);

    /// <summary>Pins an array for native code. In modes 1 and 2 the range is tracked (a record in the calling thread's
    /// pin log: about 2.7-3× a pinned GC handle's CPU cost); a pointer into it that reaches <see cref="Check(nint, nint, string?, string, string, int)"/>
    /// after <see cref="InteropGuard.Pin.Dispose()"/> is a <c>use-after-unpin</c>. In mode 0 a plain pinned GC handle.</summary>
    /// <param name="array">The array; must not be null (an empty array gives a zero-length pin).</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentNullException"><paramref name="array"/> is null.</exception>
    public static Pin Pin<T>(T[] array, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        Pin pin = InteropGuard.Pin.OfObject(array, checked((nint)array.Length * sizeof(T)), member, file, line);
        if (PooledArrays.AnyRented)
        {
            PooledArrays.NotePin(array, pin, member, file, line); // a pooled array's Return checks its pins
        }

        return pin;
    }

    /// <summary>Pins a string's UTF-16 characters for native code (length = 2 bytes per char); tracked like an array.</summary>
    /// <param name="text">The string; must not be null.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static Pin Pin(string text, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        return InteropGuard.Pin.OfObject(text, (nint)text.Length * 2, member, file, line);
    }

    /// <summary>Pins the memory behind a <see cref="Memory{T}"/> (<see cref="Memory{T}.Pin"/>). Arrays and strings behind it
    /// are tracked like arrays; native memory behind a MemoryManager is tracked without an object (a use after release is
    /// reported without confirmation). A default (empty) Memory gives a zero-length, untracked pin at address 0.</summary>
    /// <param name="memory">The memory to pin.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public static Pin Pin<T>(Memory<T> memory, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        where T : unmanaged
    {
        Pin pin = InteropGuard.Pin.OfMemory(memory, member, file, line);
        if (PooledArrays.InUse && MemoryMarshal.TryGetArray((ReadOnlyMemory<T>)memory, out ArraySegment<T> segment))
        {
            PooledArrays.NotePin(segment.Array, pin, member, file, line); // a pooled array's Return checks its pins
        }

        return pin;
    }

    /// <summary>Acquires the pointer of a memory-mapped view for native code (<c>AcquirePointer</c>; the view stays mapped
    /// until the returned <see cref="MappedView"/> is disposed, even if the accessor is disposed first). In modes 1 and 2 the
    /// view's bytes are tracked as a mapped view (one shadow-table record); a pointer into it that reaches
    /// <see cref="Check(nint, nint, string?, string, string, int)"/> after <see cref="MappedView.Dispose()"/> is a
    /// <c>use-after-unmap</c> naming the map and unmap sites. In mode 0 the pointer only.</summary>
    /// <param name="accessor">An open view accessor; must not be null.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentNullException"><paramref name="accessor"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The accessor's view is already closed.</exception>
    public static MappedView MapView(MemoryMappedViewAccessor accessor, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(accessor);
        return MappedView.Acquire(accessor.SafeMemoryMappedViewHandle, accessor.PointerOffset, accessor.Capacity, member, file, line);
    }

    /// <summary>Acquires the pointer of a memory-mapped view stream for native code; see
    /// <see cref="MapView(MemoryMappedViewAccessor, string, string, int)"/>.</summary>
    /// <param name="stream">An open view stream; must not be null.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The stream's view is already closed.</exception>
    public static MappedView MapView(MemoryMappedViewStream stream, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return MappedView.Acquire(stream.SafeMemoryMappedViewHandle, stream.PointerOffset, stream.Capacity, member, file, line);
    }

    /// <summary>Hands a delegate to native code as a function pointer (<see cref="GuardedCallback{T}.Pointer"/>, or
    /// <see cref="GuardedCallback{T}.Delegate"/> where a P/Invoke takes a T) and keeps it alive until the returned
    /// <see cref="GuardedCallback{T}"/> is disposed. In modes 1 and 2 the pointer is a tracked CALLBACK range created here;
    /// after release, a call from native code through it is reported as <c>collected-delegate-callback</c> and returns
    /// <c>default</c> (for <c>callback_quarantine</c> releases), the pointer reaching a checked call is reported at the
    /// boundary, and the validator reports native memory still holding it. Costs a few µs to create (a wrapper delegate and
    /// the runtime's stub) and about a nanosecond per call from native code.</summary>
    /// <typeparam name="T">A non-generic delegate type.</typeparam>
    /// <param name="callback">The delegate native code will call; must not be null.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is generic or not a concrete delegate type (it cannot be marshalled).</exception>
    public static GuardedCallback<T> Callback<T>(T callback, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        where T : Delegate
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (typeof(T).IsGenericType || typeof(T) == typeof(Delegate) || typeof(T) == typeof(MulticastDelegate))
        {
            throw new ArgumentException($"Guard.Callback: {typeof(T)} cannot be marshalled to a function pointer; declare a non-generic delegate type (for example [UnmanagedFunctionPointer(CallingConvention.Cdecl)] delegate int Compare(nint a, nint b);) and pass a delegate of that type.", nameof(callback));
        }

        return new GuardedCallback<T>(callback, member, file, line);
    }

    /// <summary>Tracks a SafeHandle's uses by native code: the returned <see cref="HandleTracker"/> (one per handle) records
    /// references native code retains (<see cref="HandleTracker.RetainedByNative"/> / <see cref="HandleTracker.ReleasedByNative"/>,
    /// each holding a <see cref="SafeHandle.DangerousAddRef"/> reference) and counts intercepted calls in flight. A release
    /// (Dispose or a finalizer) while native code retains the handle is a <c>handle-released-in-use</c>, reported at the
    /// release for a <see cref="GuardedSafeHandle"/> and at ReleasedByNative for any other handle. Costs a weak-table
    /// lookup (a field for a GuardedSafeHandle); retains work in every mode, reports need mode 1 or 2.</summary>
    /// <param name="handle">The handle; must not be null.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentNullException"><paramref name="handle"/> is null.</exception>
    public static HandleTracker Track(SafeHandle handle, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return HandleTrackers.Get(handle, s_enabled ? SiteRegistry.GetFromCaller(member, file, line) : null);
    }

    /// <summary>Checks the redzone canaries of every live native block now (cost grows with the number of live blocks), and the
    /// poison of every array held in a <see cref="GuardedArrayPool{T}"/> quarantine (a write after return);
    /// reports each damaged block or array (text, event, count; halt_on_error honoured) and returns them. Does not throw.
    /// Returns an empty list in mode 0.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public static IReadOnlyList<Violation> Verify([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!s_enabled)
        {
            return [];
        }

        SourceSite site = SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(member, file, line), 1);
        var result = new List<Violation>();
        foreach (Violation v in PooledArrays.VerifyAll(site)) // GuardedArrayPool quarantines: writes after return
        {
            if (Reporter.Report(v, throwOnReport: false))
            {
                result.Add(v);
            }
        }

        nuint damaged = IgNative.ig_verify(null, 0);
        if (damaged == 0)
        {
            return result;
        }

        int capacity = (int)Math.Min((ulong)damaged + 16, 1 << 16);
        var records = new IgViolation[capacity];
        nuint found;
        fixed (IgViolation* p = records)
        {
            found = IgNative.ig_verify(p, (nuint)capacity);
        }

        int count = (int)Math.Min((ulong)found, (ulong)capacity);
        for (int i = 0; i < count; i++)
        {
            if (records[i].HasRange != 0 && !ReportedOverflows.Add(records[i].Range.Id))
            {
                continue; // reported by an earlier Verify: one overflow, one report
            }

            Violation? v = RedzoneCheck.Detect(in records[i], site);
            if (v is not null && Reporter.Report(v, throwOnReport: false))
            {
                result.Add(v);
            }
        }

        return result;
    }

    /// <summary>Mode 2: asks the validator for a sweep now and waits for it (a warm validator answers in tens of ms; the
    /// wait is bounded by <c>validator_timeout_ms</c>, default 30 s). Returns the violations that sweep found, after
    /// detect_ and suppression filtering; each was also reported like any other (text, report_path, the
    /// <see cref="ViolationReported"/> event on the validator's reader thread, halt_on_error). The validator reports a
    /// finding once per run, so one found earlier by a timer sweep (every <c>validator_interval_ms</c>) is not returned
    /// again. Does not throw.
    /// <para>Modes 0 and 1: returns an empty list at once (there is no validator). Mode 2 with the validator not
    /// running (not found, failed, stopped): one warning per process, then an empty list. When the validator stops or
    /// does not answer in time during this call, the call returns an empty list after a warning, and validation stays
    /// off for the rest of the process while call-boundary checks continue.</para></summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public static IReadOnlyList<Violation> Validate([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!s_enabled || !ValidatorSession.IsActive)
        {
            return []; // mode 0/1, or mode 2 without the native library (nothing to validate)
        }

        return ValidatorSession.Validate(SiteRegistry.GetFromCaller(member, file, line));
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNegativeLength(nint length, string? argument) =>
        throw new ArgumentOutOfRangeException(nameof(length), length,
            $"Guard.Check: the length passed with '{argument ?? "pointer"}' is negative ({length}); pass the number of bytes the native call may access (0 or more).");
}
