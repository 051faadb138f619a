// GuardedCall.cs: the entry points generated interceptors call around a P/Invoke: argument checks, call-scoped pins, callbacks and SafeHandles; all return at once when the runtime is off.
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using InteropGuard.Checks;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Shadow;
using InteropGuard.Validation;

namespace InteropGuard.Interception;

/// <summary>What a generated interceptor does around one P/Invoke call (see docs/design/generator.md). A wrapper reads
/// <see cref="IsEnabled"/> first and makes the direct call when it is false, so mode 0 costs nothing; otherwise it
/// checks each pointer-like argument before the call, records what the marshaller pins for the call and releases it
/// after, records delegates as call-scoped or retained callbacks and watches SafeHandles. Violations found before the call throw
/// <see cref="InteropViolationException"/> (or halt with halt_on_error=1) and the call does not run; every method is
/// safe to call in every mode. In release mode only pointer arguments are checked, against a filter of recently released
/// ranges; call-scoped pins, callbacks and SafeHandles are not recorded. For generated code only.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class GuardedCall
{
    // static readonly: the JIT folds `if (!GuardedCall.IsEnabled)` in wrappers to nothing (mode 1) or to the direct call
    // (mode 0), and the release-mode tests below to one branch.
    private static readonly bool s_enabled = GuardRuntime.Enabled;

    // Release mode: pointers are checked against the released-range filter only; nothing is recorded per call.
    private static readonly bool s_light = GuardRuntime.Enabled && GuardRuntime.Mode == GuardMode.Release;

    // Modes 1 and 2: every check runs in full.
    private static readonly bool s_full = s_enabled && !s_light;

    // Mode 2 with detect_unpinned_managed_pointer=1: nested pointers into the GC heap are decided with the validator.
    private static readonly bool s_consult = s_full && GuardRuntime.Mode == GuardMode.Validator
        && GuardRuntime.Options.IsDetected(ViolationKind.UnpinnedManagedPointer);

    /// <summary>True when calls are checked (mode 1, 2 or release and the native library loaded); false makes every
    /// generated wrapper a direct call.</summary>
    public static bool IsEnabled => s_enabled;

    /// <summary>The boundary check of a pointer-sized argument (<c>nint</c>, <c>IntPtr</c>, a pointer field): reports
    /// a pointer into a freed native block, a released pin, view or callback. Addresses the shadow table does not know
    /// (handles, untracked memory, null) are never reported. Modes 1 and 2: one lock-free lookup. Release mode: one
    /// compare against the filter of recently released ranges (<see cref="ReleasedRangeFilter"/>), inlined; the lookup
    /// runs only when the pointer's page was released recently.</summary>
    /// <param name="pointer">The argument's value; 0 = null (allowed).</param>
    /// <param name="argument">The parameter (or field path) as reports name it.</param>
    /// <param name="site">The call site.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckPointer(nint pointer, string argument, GuardedCallSite site)
    {
        if (s_light)
        {
            if (ReleasedRangeFilter.MayContain(pointer))
            {
                CheckPointerInTable(pointer, argument, site);
            }

            return;
        }

        if (s_full)
        {
            CheckPointerInTable(pointer, argument, site);
        }
    }

    /// <summary>The boundary check of a pointer argument the generator proved was checked by the intercepted call of
    /// the statement just before, with only that call's native code and plain reads in between (docs/design/generator.md,
    /// "Repeated arguments"). Release mode skips it: the filter would compare the same value again. Modes 1 and 2 run
    /// the full check, as <see cref="CheckPointer(nint, string, GuardedCallSite)"/> does.</summary>
    /// <param name="pointer">The argument's value; 0 = null (allowed).</param>
    /// <param name="argument">The parameter (or field path) as reports name it.</param>
    /// <param name="site">The call site.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckRepeatedPointer(nint pointer, string argument, GuardedCallSite site)
    {
        if (s_full)
        {
            CheckPointerInTable(pointer, argument, site);
        }
    }

    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckPointerInTable(nint pointer, string argument, GuardedCallSite site)
    {
        if (pointer == 0)
        {
            return; // null: nothing the table knows
        }

        IgViolation native;
        uint kind = IgNative.ig_check((void*)pointer, 0, &native);
        if (kind != 0)
        {
            InterceptedFinding.Report(kind, in native, argument, site);
        }
    }

    /// <summary>The boundary check of a pointer argument; see <see cref="CheckPointer(nint, string, GuardedCallSite)"/>.</summary>
    /// <param name="pointer">The argument; null is allowed.</param>
    /// <param name="argument">The parameter (or field path) as reports name it.</param>
    /// <param name="site">The call site.</param>
    public static void CheckPointer(void* pointer, string argument, GuardedCallSite site) => CheckPointer((nint)pointer, argument, site);

    /// <summary>The boundary check of a pointer to a struct with pointer fields: the callee reads
    /// <paramref name="size"/> bytes, so a block smaller than the struct is an overflow. Returns true when the struct's
    /// bytes lie inside a live range the shadow table tracks (a native block, a pinned or registered range), i.e. when
    /// the wrapper may read the struct to check its pointer fields; false for null, unknown memory (never read: the
    /// sanitizer does not dereference addresses it does not own), a violation whose check is off, or mode 0.</summary>
    /// <param name="pointer">The argument; null is allowed.</param>
    /// <param name="size">sizeof the pointed-to struct, in bytes.</param>
    /// <param name="argument">The parameter as reports name it.</param>
    /// <param name="site">The call site.</param>
    [SkipLocalsInit]
    public static bool CheckStructPointer(void* pointer, nint size, string argument, GuardedCallSite site)
    {
        if (s_light)
        {
            CheckPointer((nint)pointer, argument, site); // release mode: the pointer itself, never its fields
            return false;
        }

        if (!s_full || pointer == null || size < 0)
        {
            return false;
        }

        IgViolation native;
        uint kind = IgNative.ig_check(pointer, (nuint)size, &native);
        if (kind != 0)
        {
            InterceptedFinding.Report(kind, in native, argument, site);
            return false; // reported with its check off, or not confirmed: do not read it
        }

        IgRange range;
        if (InterceptionNative.Lookup(pointer, (nuint)size, &range) == IgConstants.LookupInside && range.State == IgConstants.StateLive)
        {
            return true;
        }

        return ThreadStack.Contains(pointer, (nuint)size) || InGcHeap(pointer, (nuint)size);
    }

    /// <summary>True when the validator (mode 2) named the GC's reservation and [p, p+size) lies in it: the caller passed
    /// a pointer into a managed object (pinned, or a bug the check of its fields reports too), which the callee reads.</summary>
    private static bool InGcHeap(void* pointer, nuint size)
    {
        if (!s_consult || ValidatorSession.ReadyChannel(GuardRuntime.Options.ValidatorTimeoutMs) is not { } channel)
        {
            return false; // the first such call waits for the validator's ready, which names the range
        }

        (nint lo, nint hi) = channel.GcRange;
        nuint offset = (nuint)((nint)pointer - lo);
        return hi != 0 && offset < (nuint)(hi - lo) && (nuint)(hi - lo) - offset >= size;
    }

    /// <summary>The check of a pointer held inside an argument (a struct field, an array element, what a pointer or
    /// <c>ref</c> argument points at), as Go's cgocheck=1 follows one level: the boundary check of
    /// <see cref="CheckPointer(nint, string, GuardedCallSite)"/>, and in mode 2 <c>unpinned-managed-pointer</c> when the value
    /// points into a managed object nothing pins (asked of the validator unless InteropGuard's own pins, the GC range or a
    /// verdict since the last GC decide it; docs/design/generator.md, "Nested pointers"). Wrappers call it after the
    /// call's own pins are in place.</summary>
    /// <param name="value">The nested pointer's value; 0 = null (allowed).</param>
    /// <param name="path">Where it sits, as reports name it: <c>box-&gt;data</c>, <c>u.p</c>, <c>*slot</c>.</param>
    /// <param name="site">The call site.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckNestedPointer(nint value, string path, GuardedCallSite site)
    {
        if (s_light)
        {
            if (ReleasedRangeFilter.MayContain(value))
            {
                CheckPointerInTable(value, path, site);
            }

            return;
        }

        if (s_full && value != 0)
        {
            CheckNested(value, path, site);
        }
    }

    /// <summary>The nested check of what <paramref name="slot"/> points at, one pointer-sized word (<c>T**</c>
    /// arguments), when the word is readable: inside a live range InteropGuard tracks, on the calling thread's stack, or
    /// in the GC heap (mode 2). Anything else is not read (the sanitizer never dereferences memory it cannot vouch for).</summary>
    /// <param name="slot">The argument; null is allowed.</param>
    /// <param name="path">The slot as reports name it (<c>*argv</c>).</param>
    /// <param name="site">The call site.</param>
    public static void CheckPointerSlot(void* slot, string path, GuardedCallSite site)
    {
        if (!s_full || slot == null)
        {
            return;
        }

        IgRange range;
        bool readable = (InterceptionNative.Lookup(slot, (nuint)sizeof(nint), &range) == IgConstants.LookupInside && range.State == IgConstants.StateLive)
            || ThreadStack.Contains(slot, (nuint)sizeof(nint)) || InGcHeap(slot, (nuint)sizeof(nint));
        if (readable && *(nint*)slot is var value && value != 0)
        {
            CheckNested(value, path, site);
        }
    }

    /// <summary>The nested check of each element of a pointer-sized array argument (<c>nint[]</c>, <c>IntPtr[]</c>, an
    /// argv-style table); reports name the element (<c>argv[1]</c>).</summary>
    /// <param name="elements">The argument; null or empty is allowed.</param>
    /// <param name="name">The parameter as reports name it.</param>
    /// <param name="site">The call site.</param>
    public static void CheckNestedElements(ReadOnlySpan<nint> elements, string name, GuardedCallSite site)
    {
        if (!s_full)
        {
            return;
        }

        for (int i = 0; i < elements.Length; i++)
        {
            if (elements[i] != 0)
            {
                CheckNestedElement(elements[i], name, i, site);
            }
        }
    }

    [SkipLocalsInit]
    private static void CheckNestedElement(nint value, string name, int index, GuardedCallSite site)
    {
        IgViolation native;
        uint kind = IgNative.ig_check((void*)value, 0, &native);
        if (kind != 0)
        {
            InterceptedFinding.Report(kind, in native, ElementPath(name, index), site);
        }

        if (s_consult && !UnpinnedManagedPointerCheck.IsOutsideGcHeap(value))
        {
            CheckPinned(value, name, index, site);
        }
    }

    private static string ElementPath(string name, int index) => name + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckNested(nint value, string path, GuardedCallSite site)
    {
        CheckPointerInTable(value, path, site);
        if (s_consult && !UnpinnedManagedPointerCheck.IsOutsideGcHeap(value))
        {
            CheckPinned(value, path, -1, site);
        }
    }

    /// <summary>Mode 2: the pointer argument itself (<c>T*</c>, <c>void*</c>, <c>nint</c>, the pointer of a <c>T**</c> or
    /// of a struct pointer) must not point into a managed object nothing pins: Go's "pointer to unpinned Go memory passed
    /// to C" at the top level. Reports <c>unpinned-managed-pointer</c> naming the parameter. <c>ref</c>, <c>in</c>, array,
    /// span and string arguments never get here: the marshaller pins them for the call (what they hold is followed by the
    /// nested checks). Wrappers call it inside the call's own pins (a pointer into another argument of the call is
    /// pinned) after the boundary check of <see cref="CheckPointer(nint, string, GuardedCallSite)"/>. Modes 0, 1 and
    /// release: nothing (a <c>fixed</c> local is invisible in-process; docs/design/modes.md). Costs one compare for a
    /// pointer outside the GC's reservation.</summary>
    /// <param name="value">The argument's value; 0 = null (allowed).</param>
    /// <param name="argument">The parameter as reports name it.</param>
    /// <param name="site">The call site.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CheckPinnedArgument(nint value, string argument, GuardedCallSite site)
    {
        if (s_consult && value != 0 && !UnpinnedManagedPointerCheck.IsOutsideGcHeap(value))
        {
            CheckPinned(value, argument, -1, site);
        }
    }

    /// <summary>Mode 2: reports <c>unpinned-managed-pointer</c> (throws, or halts) when the validator says nothing pins
    /// the object <paramref name="value"/> points into.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckPinned(nint value, string path, int index, GuardedCallSite site)
    {
        if (PinConsult.IsKnownAllowed(value))
        {
            return; // the common case of a hot loop: found pinned since the last GC
        }

        Violation? violation = UnpinnedManagedPointerCheck.Check(value, index < 0 ? path : ElementPath(path, index), site);
        if (violation is not null)
        {
            Reporter.Report(violation, throwOnReport: true);
        }
    }

    /// <summary>Records managed memory the marshaller pins for one call (an array, span or UTF-16 string the wrapper
    /// holds with <c>fixed</c> around the call) as a call-scoped pin: pushed on the calling thread's call region
    /// (<c>ig_call_pin_push</c>), where the boundary checks count it as pinned while the call runs and, once it ended,
    /// the validator names the call whose argument native code kept. Costs two stores-only native calls without a GC
    /// transition (push and pop), no table record and no GC handle. Returns the token for <see cref="ReleaseArgument"/>;
    /// 0 when off, for null (empty) memory, or when the pin could not be tracked (said once).</summary>
    /// <param name="pointer">The first pinned byte (from <c>fixed</c>); null = nothing to record.</param>
    /// <param name="length">Pinned bytes the callee may use.</param>
    /// <param name="site">The call site.</param>
    [SkipLocalsInit]
    public static ulong PinArgument(void* pointer, nint length, GuardedCallSite site)
    {
        if (!s_full || pointer == null)
        {
            return 0;
        }

        ulong token = InterceptionNative.CallPinPush(pointer, (nuint)Math.Max(0, length), IgConstants.FlagCallScoped, site.SiteId);
        if (token == 0)
        {
            RangeRegistration.WarnTableFull("call-scoped pins"); // only a thread with 32 pins in flight uses the table
        }

        return token;
    }

    /// <summary>Ends a call-scoped pin after the call returned (or threw): it moves to the thread's ring of ended pins;
    /// 0 is ignored.</summary>
    /// <param name="id">What <see cref="PinArgument"/> returned.</param>
    /// <param name="site">The call site (the pin ends at the call it was made for).</param>
    public static void ReleaseArgument(ulong id, GuardedCallSite site)
    {
        _ = site;
        if (id == 0 || !s_full)
        {
            return;
        }

        InterceptionNative.CallPinPop(id);
    }

    /// <summary>Registers a delegate passed to a parameter that native code keeps (<c>[RetainedByNative]</c> or a known
    /// registration API, decided by the generator) as a retained callback range: once per delegate, released when the GC
    /// collects it, so a collected delegate's function pointer is reported as <c>collected-delegate-callback</c> when it
    /// reaches a checked call or is found in native memory (by the validator, before or after the range is released).</summary>
    /// <typeparam name="TDelegate">The parameter's delegate type (the one the marshaller marshals).</typeparam>
    /// <param name="callback">The delegate argument; null is ignored.</param>
    /// <param name="site">The call site (recorded as where the callback was created).</param>
    public static void TrackCallback<TDelegate>(TDelegate? callback, GuardedCallSite site)
        where TDelegate : Delegate
    {
        if (!s_full || callback is null)
        {
            return;
        }

        CallbackRegistry.Track(callback, site);
    }

    /// <summary>Records a delegate passed to a parameter native code uses only during the call (the <c>qsort</c> kind)
    /// as a call-scoped callback: a CALLBACK range flagged CALL_SCOPED for the call, and the site's weak reference to
    /// the latest delegate, so a function pointer native code kept anyway is reported only once its delegate was
    /// collected. Costs a register and a release without a GC transition and no lasting entry. Returns the id for
    /// <see cref="ExitCallback"/>; 0 when off, for null, or when the delegate is tracked otherwise.</summary>
    /// <typeparam name="TDelegate">The parameter's delegate type (the one the marshaller marshals).</typeparam>
    /// <param name="callback">The delegate argument; null is ignored.</param>
    /// <param name="site">The call site.</param>
    /// <param name="parameter">The 0-based index of the parameter among the P/Invoke's delegate parameters.</param>
    public static ulong EnterCallback<TDelegate>(TDelegate? callback, GuardedCallSite site, int parameter)
        where TDelegate : Delegate
    {
        if (!s_full || callback is null)
        {
            return 0;
        }

        return CallScopedCallbacks.Enter(callback, site, parameter);
    }

    /// <summary>Releases a call-scoped callback after the call returned (or threw); 0 is ignored.</summary>
    /// <param name="id">What <see cref="EnterCallback{TDelegate}"/> returned.</param>
    /// <param name="site">The call site (recorded as the release site).</param>
    public static void ExitCallback(ulong id, GuardedCallSite site)
    {
        if (id == 0 || !s_full)
        {
            return;
        }

        CallScopedCallbacks.Exit(id, site);
    }

    /// <summary>The interceptor of an <c>owner.DangerousGetHandle()</c> written as an argument of an intercepted call:
    /// returns the raw value as <see cref="SafeHandle.DangerousGetHandle"/> does and, in modes 1 and 2, notes
    /// <paramref name="handle"/> for the call's interceptor (<see cref="TakeRawHandles"/>).</summary>
    /// <param name="handle">The receiver of DangerousGetHandle (null throws NullReferenceException, as the call would).</param>
    /// <param name="site">The P/Invoke call site the value is an argument of.</param>
    /// <param name="argument">The parameter the value is passed to, as reports name it.</param>
    /// <returns>The handle's raw value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nint NoteRawHandle(SafeHandle handle, GuardedCallSite site, string argument)
    {
        nint value = handle.DangerousGetHandle();
        if (s_full)
        {
            RawHandleCalls.Note(handle, site, argument);
        }

        return value;
    }

    /// <summary>Right before a call with raw-handle arguments: references the handles noted for <paramref name="site"/>
    /// (<see cref="NoteRawHandle"/>) for the call, without keeping them reachable. Null when off or nothing was noted.</summary>
    /// <param name="site">The call site.</param>
    /// <param name="count">How many of the call's arguments are raw handle values.</param>
    public static RawHandleCall? TakeRawHandles(GuardedCallSite site, int count) => s_full ? RawHandleCalls.Take(site, count) : null;

    /// <summary>After a call with raw-handle arguments: drops the references <see cref="TakeRawHandles"/> took (a release
    /// deferred during the call runs now) and, when the call returned, reports <c>handle-released-in-use</c> for a handle
    /// that became unreachable (its finalizer was queued) or was closed during the call.</summary>
    /// <param name="call">What <see cref="TakeRawHandles"/> returned; null is ignored.</param>
    /// <param name="returned">False when the call threw: the references are dropped, nothing is reported.</param>
    /// <param name="site">The call site.</param>
    public static void EndRawHandles(RawHandleCall? call, bool returned, GuardedCallSite site)
    {
        if (call is not null)
        {
            RawHandleCalls.End(call, returned, site);
        }
    }

    /// <summary>Counts a SafeHandle argument as in flight for the call. Returns the value to pass to
    /// <see cref="ExitHandle"/>: true when the handle was open.</summary>
    /// <param name="handle">The handle argument; null is ignored.</param>
    public static bool EnterHandle(SafeHandle? handle) => s_full && handle is not null && HandleCalls.Enter(handle);

    /// <summary>Ends the in-flight count after the call and reports <c>handle-released-in-use</c> when the handle was
    /// open before the call and closed after it (it was disposed or finalized while the call ran).</summary>
    /// <param name="handle">The handle argument; null is ignored.</param>
    /// <param name="wasOpen">What <see cref="EnterHandle"/> returned.</param>
    /// <param name="argument">The parameter as reports name it.</param>
    /// <param name="site">The call site.</param>
    public static void ExitHandle(SafeHandle? handle, bool wasOpen, string argument, GuardedCallSite site)
    {
        if (!s_full || handle is null)
        {
            return;
        }

        HandleCalls.Exit(handle, wasOpen, argument, site);
    }
}
