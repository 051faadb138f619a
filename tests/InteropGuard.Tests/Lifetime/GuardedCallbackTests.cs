// GuardedCallbackTests.cs - in-process pairs for collected-delegate-callback (IG0008) with Guard.Callback: native code
// calls a released callback (reported, default returned, delegate not run), from a native thread, the pointer reaches a
// checked call after release; allowed: calls while alive, pointer parameters, a callback passed to an intercepted call.
using System;
using System.Threading;
using InteropGuard.Callbacks;
using InteropGuard.Interception;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Lifetime;

[NonParallelizable]
public sealed unsafe class GuardedCallbackTests : GuardedFixture
{
    private GuardOptions _saved = GuardOptions.Default;

    [SetUp]
    public void SaveOptions()
    {
        _saved = GuardRuntime.Options;
        LifetimeNative.KeepCallback(0);
    }

    [TearDown]
    public void RestoreOptions()
    {
        LifetimeNative.KeepCallback(0);
        GuardRuntime.Options = _saved;
    }

    [Test]
    public void Detects_NativeCallAfterRelease_ReturnsDefault_AndNamesBothSites()
    {
        int runs = 0;
        int createLine = Here.Line(); GuardedCallback<IntCallback> callback = Guard.Callback<IntCallback>(x => { runs++; return x * 2; });
        LifetimeNative.KeepCallback(callback.Pointer);
        Assert.That(LifetimeNative.CallKept(21), Is.EqualTo(42), "alive: the delegate runs");
        int releaseLine = Here.Line(); callback.Release();
        using var recorder = new ReportRecorder();

        int callLine = Here.Line(); int result = LifetimeNative.CallKept(21);

        Assert.That(result, Is.EqualTo(0), "released: the wrapper returns default(int) without running the delegate");
        Assert.That(runs, Is.EqualTo(1));
        Assert.That(recorder.Violations, Has.Count.EqualTo(1));
        Violation v = recorder.Violations[0];
        Assert.That(v.Kind, Is.EqualTo(ViolationKind.CollectedDelegateCallback));
        Assert.That(v.Address, Is.EqualTo(callback.Pointer));
        Assert.That(v.RangeKind, Is.EqualTo(RangeKind.Callback));
        AssertSite(v.AllocationSite, Here.File(), createLine, nameof(Detects_NativeCallAfterRelease_ReturnsDefault_AndNamesBothSites), "create");
        AssertSite(v.ReleaseSite, Here.File(), releaseLine, nameof(Detects_NativeCallAfterRelease_ReturnsDefault_AndNamesBothSites), "release");
        Assert.That(v.AccessSite!.File, Is.EqualTo(Here.File()), "the managed caller of the native code that called back");
        Assert.That(v.AccessSite.Line, Is.EqualTo(callLine));
        string report = v.ToString();
        Assert.That(report, Does.Contain("Native code called the callback at 0x").And.Contain("(the stub of a delegate of type IntCallback)"));
        Assert.That(report, Does.Contain("Callback released by:").And.Contain("Callback created by:"));
        Assert.That(report, Does.Contain("HINT: native code called the callback after its GuardedCallback was disposed"));
        Assert.That(report, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_collected_delegate_callback=0"));
    }

    [Test]
    public void Detects_NativeCallAfterRelease_FromANativeThread_FiledUnderTheCreationSite()
    {
        int createLine = Here.Line(); var callback = Guard.Callback<IntCallback>(x => x + 1);
        LifetimeNative.KeepCallback(callback.Pointer);
        Assert.That(LifetimeNative.CallKeptOnThread(1), Is.EqualTo(2));
        callback.Release();
        using var recorder = new ReportRecorder();

        Assert.That(LifetimeNative.CallKeptOnThread(1), Is.EqualTo(0));

        Assert.That(recorder.Violations, Has.Count.EqualTo(1));
        Violation v = recorder.Violations[0];
        Assert.That(v.AccessSite!.File, Is.Empty, "no managed frame below a thread native code made");
        Assert.That(v.ToString(), Does.Contain($"SUMMARY: InteropGuard: collected-delegate-callback {Here.FileName()}:{createLine} in "));
    }

    [Test]
    public void Detects_ReleasedPointerAtACheckedCall()
    {
        var callback = Guard.Callback<IntCallback>(x => x);
        nint p = callback.Pointer;
        int releaseLine = Here.Line(); callback.Release();

        Violation v = Catch(() => Guard.Check(p, 0));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.CollectedDelegateCallback));
        AssertSite(v.ReleaseSite, Here.File(), releaseLine, nameof(Detects_ReleasedPointerAtACheckedCall), "release");
        Assert.That(v.ToString(), Does.Contain("Call that received the released callback:"));
    }

    [Test]
    public void Detects_NothingWithCheckOff_StillReturnsDefault()
    {
        GuardRuntime.Options = GuardOptions.Parse("detect_collected_delegate_callback=0", null);
        int runs = 0;
        var callback = Guard.Callback<IntCallback>(x => { runs++; return x; });
        LifetimeNative.KeepCallback(callback.Pointer);
        callback.Dispose();
        using var recorder = new ReportRecorder();

        Assert.That(LifetimeNative.CallKept(5), Is.EqualTo(0), "the quarantine still keeps native code out of freed memory");
        Assert.That(runs, Is.Zero);
        Assert.That(recorder.Violations, Is.Empty);
    }

    [Test]
    public void Allows_CallsWhileAlive_SynchronousAndKept_AndACheckedCallOfThePointer()
    {
        int runs = 0;
        using var callback = Guard.Callback<IntCallback>(x => { runs++; return x + 100; });
        using var recorder = new ReportRecorder();

        Assert.That(LifetimeNative.Call(callback.Pointer, 1), Is.EqualTo(101));
        LifetimeNative.KeepCallback(callback.Pointer);
        Assert.That(LifetimeNative.CallKept(2), Is.EqualTo(102));
        Assert.That(LifetimeNative.CallKeptOnThread(3), Is.EqualTo(103));
        Assert.DoesNotThrow(() => Guard.Check(callback.Pointer, 0));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(LifetimeNative.CallKept(4), Is.EqualTo(104), "the GuardedCallback keeps the delegate alive, referenced or not");

        Assert.That(runs, Is.EqualTo(4));
        Assert.That(recorder.Violations, Is.Empty);
        Assert.That(callback.Id, Is.Not.Zero);
        Assert.That(callback.Delegate, Is.Not.SameAs(callback.Callback), "native code gets the wrapper");
    }

    [Test]
    public void Allows_PointerParametersAndResults()
    {
        byte[] data = [1, 2, 3];
        using var callback = Guard.Callback<PointerCallback>((p, n) => p + n);
        var call = (delegate* unmanaged[Cdecl]<byte*, nint, byte*>)callback.Pointer;
        fixed (byte* p = data)
        {
            Assert.That((nint)call(p, 3), Is.EqualTo((nint)(p + 3)));
        }

        callback.Release();
        using var recorder = new ReportRecorder();
        fixed (byte* p = data)
        {
            Assert.That((nint)call(p, 3), Is.EqualTo((nint)0), "released: default(byte*)");
        }

        Assert.That(recorder.Violations, Has.Count.EqualTo(1));
    }

    [Test]
    public void Allows_WrapperPassedToAnInterceptedCall_TheGuardedCallbackOwnsTheRange()
    {
        var site = new GuardedCallSite("GuardedCallbackTests.Intercepted", Here.File(), Here.Line(), "LifetimeNative.Call(IntCallback fn, int x)");
        var callback = Guard.Callback<IntCallback>(x => x);
        GuardedCall.TrackCallback(callback.Delegate, site);

        Assert.That(CallbackRegistry.IdOf(callback.Delegate), Is.Zero, "not registered a second time");
        callback.Release();
        Assert.Throws<InteropViolationException>(() => Guard.Check(callback.Pointer, 0), "the released range is not hidden by a live one");
    }

    [Test]
    public void Quarantine_EvictsTheOldest_AndZeroKeepsNone()
    {
        CallbackQuarantine.ClearForTests();
        GuardRuntime.Options = GuardOptions.Parse("callback_quarantine=2", null);
        for (int i = 0; i < 5; i++)
        {
            Guard.Callback<IntCallback>(x => x).Dispose();
        }

        Assert.That(CallbackQuarantine.Count, Is.EqualTo(2));
        GuardRuntime.Options = GuardOptions.Parse("callback_quarantine=0", null);
        Guard.Callback<IntCallback>(x => x).Dispose();
        Assert.That(CallbackQuarantine.Count, Is.Zero);
        Assert.That(GuardOptions.Default.CallbackQuarantine, Is.EqualTo(16));
    }

    [Test]
    public void BadInput_IsAClearException_AndReleaseIsIdempotent()
    {
        Assert.Throws<ArgumentNullException>(() => Guard.Callback<IntCallback>(null!));
        var generic = Assert.Throws<ArgumentException>(() => Guard.Callback<Func<int, int>>(x => x))!;
        Assert.That(generic.Message, Does.Contain("non-generic delegate type"));
        var callback = Guard.Callback<IntCallback>(x => x);
        callback.Dispose();
        Assert.DoesNotThrow(callback.Dispose);
        Assert.DoesNotThrow(() => callback.Release());
        Assert.That(callback.IsReleased, Is.True);
    }
}
