// CallScopedCallbackTests.cs - in-process tests of call-scoped callbacks (delegates passed for one intercepted call): no
// lasting entry however many fresh delegates pass through calls; the kept pointer of a collected one is reported at a
// checked call, of a live one not, also when the same delegate was passed for several calls (the slot's cache); a
// superseded one is not guessed about; a delegate a retaining parameter took after call-scoped calls is the retaining
// path's; each call's range takes a slot of the calling thread's pin log, and a pin that takes the slot after it still gets
// the slot's weak handle as its tag.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Interception;
using InteropGuard.Native;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Lifetime;

[NonParallelizable]
public sealed class CallScopedCallbackTests : GuardedFixture
{
    private static IntCallback? s_alive;

    [Test]
    public void Allows_ManyFreshDelegatesThroughCalls_LeaveNoLastingEntry()
    {
        var site = new GuardedCallSite("CallScopedCallbackTests.Loop", Here.File(), Here.Line(), "LifetimeNative.Call(IntCallback fn, int x)");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        ulong liveBefore = NativeStats.Get().LiveRanges;
        long registryBefore = CallbackRegistry.LiveCount;
        using var recorder = new ReportRecorder();

        long sum = 0;
        for (int i = 0; i < 50_000; i++)
        {
            sum += CallOnce(site, i);
            if (i % 5_000 == 0)
            {
                GC.Collect();
            }
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(sum, Is.EqualTo(50_000L * 49_999 / 2 + 50_000), "native code called every delegate during its call");
        Assert.That(NativeStats.Get().LiveRanges, Is.EqualTo(liveBefore), "no range outlives its call");
        Assert.That(CallbackRegistry.LiveCount, Is.EqualTo(registryBefore), "no registry entry (weak handle, finalizable entry) per delegate");
        Assert.That(recorder.Violations, Is.Empty);
    }

    [Test]
    public void Detects_KeptPointerOfACollectedCallScopedDelegate_AtACheckedCall()
    {
        var site = new GuardedCallSite("CallScopedCallbackTests.Kept", Here.File(), Here.Line(), "LifetimeNative.KeepCallback(IntCallback fn)");
        nint entry = HandOverAndKeep(site, keep: false);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        using var recorder = new ReportRecorder();
        Assert.Throws<InteropViolationException>(() => Guard.Check(entry, 0));
        Assert.That(recorder.Violations, Has.Count.EqualTo(1));
        Assert.That(recorder.Violations[0].Kind, Is.EqualTo(ViolationKind.CollectedDelegateCallback));
    }

    [Test]
    public void Detects_KeptPointerOfACollectedCallScopedDelegate_IsOffWithItsOption()
    {
        GuardOptions saved = GuardRuntime.Options;
        try
        {
            var site = new GuardedCallSite("CallScopedCallbackTests.KeptOff", Here.File(), Here.Line(), "LifetimeNative.KeepCallback(IntCallback fn)");
            nint entry = HandOverAndKeep(site, keep: false);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GuardRuntime.Options = GuardOptions.Parse("detect_collected_delegate_callback=0", null);
            using var recorder = new ReportRecorder();
            Assert.DoesNotThrow(() => Guard.Check(entry, 0));
            Assert.That(recorder.Violations, Is.Empty);
        }
        finally
        {
            GuardRuntime.Options = saved;
        }
    }

    [Test]
    public void Allows_KeptPointerOfALiveCallScopedDelegate_AtACheckedCall()
    {
        var site = new GuardedCallSite("CallScopedCallbackTests.Alive", Here.File(), Here.Line(), "LifetimeNative.KeepCallback(IntCallback fn)");
        nint entry = HandOverAndKeep(site, keep: true);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        using var recorder = new ReportRecorder();
        Assert.DoesNotThrow(() => Guard.Check(entry, 0));
        Assert.That(recorder.Violations, Is.Empty);
        Assert.That(LifetimeNative.Call(entry, 1), Is.EqualTo(8), "the delegate lives: native code may still call it");
        s_alive = null;
    }

    [Test]
    public void Detects_KeptPointerOfACollectedDelegate_PassedForSeveralCalls_AtACheckedCall()
    {
        var site = new GuardedCallSite("CallScopedCallbackTests.KeptAgain", Here.File(), Here.Line(), "LifetimeNative.KeepCallback(IntCallback fn)");
        nint entry = HandOverSeveralTimes(site, keep: false);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        using var recorder = new ReportRecorder();
        Assert.Throws<InteropViolationException>(() => Guard.Check(entry, 0));
        Assert.That(recorder.Violations, Has.Count.EqualTo(1));
        Assert.That(recorder.Violations[0].Kind, Is.EqualTo(ViolationKind.CollectedDelegateCallback));
        Assert.That(recorder.Violations[0].ReleaseSite?.Member, Is.EqualTo("CallScopedCallbackTests.KeptAgain"), "released by the last call");
    }

    [Test]
    public void Detects_KeptPointerOfACollectedDelegate_PassedForSeveralCalls_IsOffWithItsOption()
    {
        GuardOptions saved = GuardRuntime.Options;
        try
        {
            var site = new GuardedCallSite("CallScopedCallbackTests.KeptAgainOff", Here.File(), Here.Line(), "LifetimeNative.KeepCallback(IntCallback fn)");
            nint entry = HandOverSeveralTimes(site, keep: false);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            GuardRuntime.Options = GuardOptions.Parse("detect_collected_delegate_callback=0", null);
            using var recorder = new ReportRecorder();
            Assert.DoesNotThrow(() => Guard.Check(entry, 0));
            Assert.That(recorder.Violations, Is.Empty);
        }
        finally
        {
            GuardRuntime.Options = saved;
        }
    }

    [Test]
    public void Allows_KeptPointerOfALiveDelegate_PassedForSeveralCalls_AtACheckedCall()
    {
        var site = new GuardedCallSite("CallScopedCallbackTests.AliveAgain", Here.File(), Here.Line(), "LifetimeNative.KeepCallback(IntCallback fn)");
        nint entry = HandOverSeveralTimes(site, keep: true);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        using var recorder = new ReportRecorder();
        Assert.DoesNotThrow(() => Guard.Check(entry, 0));
        Assert.That(recorder.Violations, Is.Empty);
        Assert.That(LifetimeNative.Call(entry, 1), Is.EqualTo(8), "the delegate lives: native code may still call it");
        s_alive = null;
    }

    [Test]
    public void Detects_DelegatePassedForCalls_ThenToARetainingParameter_ThroughTheRetainingPath()
    {
        var site = new GuardedCallSite("CallScopedCallbackTests.ThenRetained", Here.File(), Here.Line(), "LifetimeNative.Call(IntCallback fn, int x)");
        var retaining = new GuardedCallSite("CallScopedCallbackTests.Register", Here.File(), Here.Line(), "LifetimeNative.KeepCallback(IntCallback fn)");
        (nint entry, ulong afterRetained, ulong registryId) = HandOverThenRetain(site, retaining);
        Assert.That(registryId, Is.Not.Zero, "the retaining call registered the delegate");
        Assert.That(afterRetained, Is.Zero, "a call-scoped call after it leaves the delegate to the retaining path");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        IgRange retained = RangeOf(registryId);
        Assert.That((retained.Flags & IgConstants.FlagRetained, retained.State), Is.EqualTo((IgConstants.FlagRetained, IgConstants.StateReleased)), "the retained range, released when the GC collected its delegate");
        using var recorder = new ReportRecorder();
        Assert.Throws<InteropViolationException>(() => Guard.Check(entry, 0));
        Assert.That(recorder.Violations, Has.Count.EqualTo(1));
        Assert.That(recorder.Violations[0].Kind, Is.EqualTo(ViolationKind.CollectedDelegateCallback));
    }

    [Test]
    public void Superseded_CallScopedDelegate_IsNotReported()
    {
        var site = new GuardedCallSite("CallScopedCallbackTests.Superseded", Here.File(), Here.Line(), "LifetimeNative.KeepCallback(IntCallback fn)");
        nint first = HandOverAndKeep(site, keep: false);
        HandOverAndKeep(site, keep: true); // the site's slot now follows the second delegate
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        using var recorder = new ReportRecorder();
        Assert.DoesNotThrow(() => Guard.Check(first, 0));
        Assert.That(recorder.Violations, Is.Empty, "whether the first delegate lives is unknown: not reported");
        s_alive = null;
    }

    [Test]
    public void CallScopedCallback_TakesASlotOfTheCallingThreadsPinLog_AndThePinThereAfterItGetsTheSlotHandleBack()
    {
        var site = new GuardedCallSite("CallScopedCallbackTests.Log", Here.File(), Here.Line(), "LifetimeNative.Call(IntCallback fn, int x)");
        IgRange pinBefore = default, callback = default, pinAfter = default;
        var thread = new Thread(() =>
        {
            byte[] array = new byte[64];
            Pin first = Guard.Pin(array);
            ulong firstId = first.Id;
            first.Dispose();
            pinBefore = RangeOf(firstId);

            // Slots are taken in turn: within one turn of the log a callback takes the pin's slot, then a pin again.
            for (int i = 0; i <= IgConstants.PinLogSlots && callback.Id == 0; i++)
            {
                IntCallback fn = x => x + i;
                ulong id = GuardedCall.EnterCallback(fn, site, 0);
                GuardedCall.ExitCallback(id, site);
                if ((id & 0xFFF) == (firstId & 0xFFF))
                {
                    callback = RangeOf(id);
                }
            }

            for (int i = 0; i <= IgConstants.PinLogSlots && pinAfter.Id == 0; i++)
            {
                using Pin pin = Guard.Pin(array);
                if ((pin.Id & 0xFFF) == (firstId & 0xFFF))
                {
                    pinAfter = RangeOf(pin.Id);
                }
            }
        });
        thread.Start();
        thread.Join();

        Assert.That(callback.Id & IgConstants.PinLogIdTag, Is.EqualTo(IgConstants.PinLogIdTag), "in the thread's pin log, not the shared table");
        Assert.That((callback.Kind, callback.Flags & IgConstants.FlagCallScoped, callback.State), Is.EqualTo(((uint)RangeKind.Callback, IgConstants.FlagCallScoped, 3u)));
        Assert.That(callback.UserTag, Is.Not.Zero.And.Not.EqualTo(pinBefore.UserTag), "the call site's cell");
        Assert.That(pinBefore.UserTag, Is.Not.Zero, "the slot's weak handle");
        Assert.That(pinAfter.Id, Is.Not.Zero.And.Not.EqualTo(pinBefore.Id));
        Assert.That(pinAfter.UserTag, Is.EqualTo(pinBefore.UserTag), "the slot's weak handle again, not the callback's cell");
    }

    private static unsafe IgRange RangeOf(ulong id)
    {
        IgRange range;
        Assert.That(IgNative.ig_range_get(id, &range), Is.EqualTo(IgStatus.Ok));
        return range;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int CallOnce(GuardedCallSite site, int i)
    {
        IntCallback callback = x => x + i;
        ulong id = GuardedCall.EnterCallback(callback, site, 0);
        try
        {
            return LifetimeNative.Call(Marshal.GetFunctionPointerForDelegate(callback), 1);
        }
        finally
        {
            GuardedCall.ExitCallback(id, site);
            GC.KeepAlive(callback);
        }
    }

    /// <summary>Three intercepted calls that hand the same delegate to native code (the slot's cache serves the last two),
    /// which keeps the function pointer.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint HandOverSeveralTimes(GuardedCallSite site, bool keep)
    {
        int seven = 7;
        IntCallback callback = x => x + seven;
        nint entry = Marshal.GetFunctionPointerForDelegate(callback);
        var ids = new ulong[3];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = GuardedCall.EnterCallback(callback, site, 0);
            GuardedCall.ExitCallback(ids[i], site);
        }

        Assert.That(ids, Is.All.Not.Zero, "recorded for every call");
        Assert.That(ids, Is.Unique, "a range of its own for every call");
        if (keep)
        {
            s_alive = callback;
        }

        return entry;
    }

    /// <summary>Two call-scoped calls with a delegate, then a retaining call with it (<c>TrackCallback</c>), then a
    /// call-scoped call again: that call's id, and the registry's.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (nint Entry, ulong AfterRetained, ulong RegistryId) HandOverThenRetain(GuardedCallSite site, GuardedCallSite retaining)
    {
        int seven = 7;
        IntCallback callback = x => x + seven;
        nint entry = Marshal.GetFunctionPointerForDelegate(callback);
        for (int i = 0; i < 2; i++)
        {
            ulong id = GuardedCall.EnterCallback(callback, site, 0);
            Assert.That(id, Is.Not.Zero, "recorded for the call");
            GuardedCall.ExitCallback(id, site);
        }

        GuardedCall.TrackCallback(callback, retaining);
        ulong after = GuardedCall.EnterCallback(callback, site, 0);
        GuardedCall.ExitCallback(after, site);
        return (entry, after, CallbackRegistry.IdOf(callback));
    }

    /// <summary>One intercepted call that hands a fresh delegate to native code, which keeps the function pointer.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint HandOverAndKeep(GuardedCallSite site, bool keep)
    {
        int seven = 7;
        IntCallback callback = x => x + seven;
        nint entry = Marshal.GetFunctionPointerForDelegate(callback);
        ulong id = GuardedCall.EnterCallback(callback, site, 0);
        Assert.That(id, Is.Not.Zero, "recorded for the call");
        GuardedCall.ExitCallback(id, site);
        if (keep)
        {
            s_alive = callback;
        }

        return entry;
    }
}
