// HandleReleasedInUseTests.cs - in-process pairs for handle-released-in-use (IG0011): the missing GC.KeepAlive (an owner
// finalized during a blocking call that got the raw handle; its finalizer closes the handle), Dispose while native code
// retains a GuardedSafeHandle or a plain SafeHandle, Dispose during an intercepted call; the leak of a handle only its
// finalizer released (leaked-pin, off by default); allowed: the same code with the owner kept alive or released in order.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Interception;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Lifetime;

[NonParallelizable]
public sealed class HandleReleasedInUseTests : GuardedFixture
{
    private static long s_nextValue = 0x7000;
    private GuardOptions _saved = GuardOptions.Default;

    [SetUp]
    public void SaveOptions() => _saved = GuardRuntime.Options;

    [TearDown]
    public void RestoreOptions() => GuardRuntime.Options = _saved;

    /// <summary>A handle whose release is counted instead of closing anything.</summary>
    internal sealed class TestHandle : GuardedSafeHandle
    {
        public static readonly HashSet<nint> Released = [];

        /// <summary>The line of the constructor (the site a handle's report names as its creator).</summary>
        public static readonly int CtorLine = Here.Line() + 2;

        public TestHandle() : base(0, ownsHandle: true) => SetHandle((nint)Interlocked.Increment(ref s_nextValue));

        public override bool IsInvalid => handle == 0;

        public bool WasReleased
        {
            get
            {
                lock (Released) return Released.Contains(handle);
            }
        }

        protected override bool ReleaseHandle()
        {
            lock (Released) Released.Add(handle);
            return true;
        }
    }

    /// <summary>The same handle as a plain SafeHandle (its release cannot be observed).</summary>
    internal sealed class PlainHandle : SafeHandle
    {
        public PlainHandle() : base(0, ownsHandle: true) => SetHandle((nint)Interlocked.Increment(ref s_nextValue));

        public override bool IsInvalid => handle == 0;

        public bool WasReleased { get; private set; }

        protected override bool ReleaseHandle() => WasReleased = true;
    }

    /// <summary>The owner of the missing-KeepAlive bug: its finalizer closes the handle.</summary>
    internal sealed class Connection
    {
        public static int RetainLine;
        public static int FinalizerLine;
        public readonly TestHandle Handle = new();

        ~Connection() { FinalizerLine = Here.Line(); Handle.Dispose(); }

        /// <summary>Native code gets the raw handle and keeps it for the duration of a blocking call.</summary>
        public HandleTracker Retain() { RetainLine = Here.Line(); return Guard.Track(Handle).RetainedByNative(); }
    }

    [Test]
    public void Detects_OwnerFinalizedDuringABlockingRawCall_MissingKeepAlive()
    {
        (Violation[] reports, TestHandle handle, bool releasedDuringCall) = RunBlockingCall(keepOwnerAlive: false);

        Assert.That(releasedDuringCall, Is.False, "the close is deferred while native code retains the handle");
        Assert.That(handle.WasReleased, Is.True, "closed at ReleasedByNative");
        Assert.That(reports, Has.Length.EqualTo(1));
        Violation v = reports[0];
        Assert.That(v.Kind, Is.EqualTo(ViolationKind.HandleReleasedInUse));
        Assert.That(v.Address, Is.EqualTo(handle.DangerousGetHandle()));
        AssertSite(v.AccessSite, Here.File(), Connection.RetainLine, "Retain", "retained");
        AssertSite(v.ReleaseSite, Here.File(), Connection.FinalizerLine, "Connection.Finalize", "released");
        Assert.That(v.ReleaseSite!.Kind, Is.EqualTo(SiteKind.OnFinalizerThread), "the Dispose ran on the finalizer thread");
        Assert.That(v.AllocationSite!.Member, Does.Contain("TestHandle..ctor"));
        string report = v.ToString();
        Assert.That(report, Does.Contain("was released by a Dispose on the finalizer thread (an owner's finalizer) while native code still retained it"));
        Assert.That(report, Does.Contain("Handle released by:\n  #0 Connection.Finalize (on the finalizer thread)  "));
        Assert.That(report, Does.Contain("Native use still outstanding (retained by native code at):").And.Contain("Handle released by:").And.Contain("Handle created by:"));
        Assert.That(report, Does.Contain("HINT: a finalizer released the handle while native code used it: keep the handle's owner alive"));
        Assert.That(report, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_handle_released_in_use=0"));
        Assert.That(report, Does.Contain($"SUMMARY: InteropGuard: handle-released-in-use {Here.FileName()}:{Connection.RetainLine} in "));
    }

    [Test]
    public void Detects_NothingWithCheckOff_TheCloseIsStillDeferred()
    {
        GuardRuntime.Options = GuardOptions.Parse("detect_handle_released_in_use=0", null);

        (Violation[] reports, TestHandle handle, bool releasedDuringCall) = RunBlockingCall(keepOwnerAlive: false);

        Assert.That(reports, Is.Empty);
        Assert.That(releasedDuringCall, Is.False);
        Assert.That(handle.WasReleased, Is.True);
    }

    [Test]
    public void Allows_OwnerKeptAliveUntilNativeCodeLetsGo()
    {
        (Violation[] reports, TestHandle handle, bool releasedDuringCall) = RunBlockingCall(keepOwnerAlive: true);

        Assert.That(reports, Is.Empty);
        Assert.That(releasedDuringCall, Is.False);
        Assert.That(handle.WasReleased, Is.False, "the owner is alive: nothing closed the handle");
        handle.Dispose();
        Assert.That(handle.WasReleased, Is.True);
    }

    [Test]
    public void Detects_DisposeWhileRetained_NamesTheDisposeCaller()
    {
        var handle = new TestHandle();
        int retainLine = Here.Line(); HandleTracker tracker = Guard.Track(handle).RetainedByNative();
        using var recorder = new ReportRecorder();

        int disposeLine = Here.Line(); handle.Dispose();

        Assert.That(handle.WasReleased, Is.False, "deferred");
        Violation v = Mine(recorder, handle).Single();
        AssertSite(v.AccessSite, Here.File(), retainLine, nameof(Detects_DisposeWhileRetained_NamesTheDisposeCaller), "retained");
        AssertSite(v.ReleaseSite, Here.File(), disposeLine, nameof(Detects_DisposeWhileRetained_NamesTheDisposeCaller), "released");
        string test = nameof(Detects_DisposeWhileRetained_NamesTheDisposeCaller), file = Here.FileName();
        ReportText.AssertGolden(v.ToString(), $"""
            =================================================================
            ERROR: InteropGuard: handle-released-in-use on address 0x{(ulong)v.Address:x} [IG0011]
            The TestHandle 0x{(ulong)v.Address:x} was released by Dispose while native code still retained it. InteropGuard deferred the close of the OS handle until ReleasedByNative(); unguarded, native code would have used a closed (or already reused) handle.
              {"{thread}"}
            Native use still outstanding (retained by native code at):
              #0 {test}  {file}:{retainLine}
            Handle released by:
              #0 HandleReleasedInUseTests.{test}  {file}:{disposeLine}
            Handle created by:
              #0 TestHandle..ctor  {file}:{TestHandle.CtorLine}
            HINT: keep the SafeHandle open until native code stops using it: dispose it after the call returns or after ReleasedByNative() (GC.KeepAlive / DangerousAddRef around raw uses).
            HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_handle_released_in_use=0
            SUMMARY: InteropGuard: handle-released-in-use {file}:{retainLine} in {test}
            =================================================================

            """);
        tracker.ReleasedByNative();
        Assert.That(handle.WasReleased, Is.True);
        Assert.That(Mine(recorder, handle), Has.Length.EqualTo(1), "reported once, not again at ReleasedByNative");
    }

    [Test]
    public void Allows_DisposeAfterReleasedByNative_AndNestedRetains()
    {
        var handle = new TestHandle();
        using var recorder = new ReportRecorder();
        HandleTracker tracker = Guard.Track(handle).RetainedByNative().RetainedByNative();
        Assert.That(Guard.Track(handle), Is.SameAs(tracker), "one tracker per handle");
        Assert.That(tracker.NativeReferences, Is.EqualTo(2));
        tracker.ReleasedByNative();
        tracker.ReleasedByNative();

        handle.Dispose();

        Assert.That(handle.WasReleased, Is.True);
        Assert.That(Mine(recorder, handle), Is.Empty);
        Assert.Throws<InvalidOperationException>(() => tracker.ReleasedByNative());
        Assert.Throws<ObjectDisposedException>(() => tracker.RetainedByNative());
    }

    [Test]
    public void Detects_PlainSafeHandleClosedWhileRetained_AtReleasedByNative()
    {
        var handle = new PlainHandle();
        int trackLine = Here.Line(); HandleTracker tracker = Guard.Track(handle);
        int retainLine = Here.Line(); tracker.RetainedByNative();
        handle.Dispose();
        Assert.That(handle.WasReleased, Is.False, "deferred by the tracker's reference");
        using var recorder = new ReportRecorder();

        int releasedLine = Here.Line(); tracker.ReleasedByNative();

        Assert.That(handle.WasReleased, Is.True);
        Violation v = Mine(recorder, handle).Single();
        AssertSite(v.AccessSite, Here.File(), retainLine, nameof(Detects_PlainSafeHandleClosedWhileRetained_AtReleasedByNative), "retained");
        AssertSite(v.AllocationSite, Here.File(), trackLine, nameof(Detects_PlainSafeHandleClosedWhileRetained_AtReleasedByNative), "tracked");
        string report = v.ToString();
        Assert.That(report, Does.Contain($"found when native code let go at {nameof(Detects_PlainSafeHandleClosedWhileRetained_AtReleasedByNative)}  {Here.FileName()}:{releasedLine}"));
        Assert.That(report, Does.Contain("derive from GuardedSafeHandle to name it"));
    }

    [Test]
    public void Allows_PlainSafeHandleDisposedAfterNativeCodeLetGo()
    {
        var handle = new PlainHandle();
        using var recorder = new ReportRecorder();
        HandleTracker tracker = Guard.Track(handle).RetainedByNative();
        tracker.ReleasedByNative();
        handle.Dispose();

        Assert.That(handle.WasReleased, Is.True);
        Assert.That(Mine(recorder, handle), Is.Empty);
    }

    [Test]
    public void Detects_DisposeDuringAnInterceptedCall_TheCallNamesTheDisposeSite()
    {
        var handle = new TestHandle();
        var site = new GuardedCallSite("HandleReleasedInUseTests.Read", Here.File(), Here.Line(), "Native.Read(TestHandle h)");
        bool open = GuardedCall.EnterHandle(handle); // what a generated wrapper does around the call
        bool added = false;
        handle.DangerousAddRef(ref added); // the marshaller's reference for the call
        Assert.That(Guard.Track(handle).CallsInFlight, Is.EqualTo(1));
        int disposeLine = 0;
        var other = new Thread(() => { disposeLine = Here.Line(); handle.Dispose(); });
        other.Start();
        other.Join();
        handle.DangerousRelease();

        Violation v = Catch(() => GuardedCall.ExitHandle(handle, open, "h", site));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.HandleReleasedInUse));
        Assert.That(v.ReleaseSite!.Line, Is.EqualTo(disposeLine), v.ToString());
        Assert.That(v.AllocationSite!.Member, Does.Contain("TestHandle..ctor"));
        Assert.That(v.ToString(), Does.Contain("Call that used the handle:").And.Contain("Handle released by:"));
    }

    [Test]
    public void Allows_DisposeAfterAnInterceptedCall()
    {
        var handle = new TestHandle();
        var site = new GuardedCallSite("HandleReleasedInUseTests.Read", Here.File(), Here.Line(), "Native.Read(TestHandle h)");
        bool open = GuardedCall.EnterHandle(handle);
        Assert.DoesNotThrow(() => GuardedCall.ExitHandle(handle, open, "h", site));
        Assert.That(Guard.Track(handle).CallsInFlight, Is.Zero);
        using var recorder = new ReportRecorder();
        handle.Dispose();
        Assert.That(Mine(recorder, handle), Is.Empty);
    }

    [Test]
    public void Detects_HandleOnlyItsFinalizerReleased_AsALeak_ByDefault()
    {
        GuardRuntime.Options = GuardOptions.Parse(null, null);
        using var recorder = new ReportRecorder();
        nint value = DropHandle();

        GC.Collect();
        GC.WaitForPendingFinalizers();

        Violation v = recorder.Violations.Single(r => r.Address == value);
        Assert.That(v.Kind, Is.EqualTo(ViolationKind.LeakedPin));
        Assert.That(v.AccessSite!.Member, Does.Contain("TestHandle..ctor"));
        string file = Here.FileName();
        ReportText.AssertGolden(v.ToString(), $"""
            =================================================================
            ERROR: InteropGuard: leaked-pin on address 0x{(ulong)v.Address:x} [IG0013]
            The TestHandle 0x{(ulong)v.Address:x} was never disposed: its finalizer released it. Forgot to Dispose() it?
              {"{thread}"}
            Handle created by:
              #0 TestHandle..ctor  {file}:{TestHandle.CtorLine}
            HINT: dispose the handle (a using scope, or the owner's Dispose) when you are done with it; the finalizer releases it at an unpredictable time, possibly while native code still uses it.
            HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_leaked_pin=0
            SUMMARY: InteropGuard: leaked-pin {file}:{TestHandle.CtorLine} in TestHandle..ctor
            =================================================================

            """);
        Assert.That(v.ToString(), Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_leaked_pin=0"));
    }

    [Test]
    public void Allows_FinalizedHandle_WhenLeakReportsAreOff_AndDisposedHandles()
    {
        GuardRuntime.Options = GuardOptions.Parse("detect_leaked_pin=0", null);
        using var recorder = new ReportRecorder();
        nint dropped = DropHandle();
        GC.Collect();
        GC.WaitForPendingFinalizers(); // finalized while the check is off

        GuardRuntime.Options = GuardOptions.Parse(null, null);
        var disposed = new TestHandle();
        nint disposedValue = disposed.DangerousGetHandle();
        disposed.Dispose();
        GC.Collect();
        GC.WaitForPendingFinalizers(); // the check is on: a disposed handle is no leak
        GuardRuntime.Options = _saved;

        Assert.That(recorder.Violations.Where(r => r.Address == dropped || r.Address == disposedValue), Is.Empty);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint DropHandle() => new TestHandle().DangerousGetHandle();

    private static Violation[] Mine(ReportRecorder recorder, SafeHandle handle) =>
        recorder.Violations.Where(v => v.Address == handle.DangerousGetHandle()).ToArray();

    /// <summary>The missing GC.KeepAlive, deterministic: a worker blocks in native code holding the raw handle while this
    /// thread collects; the owner is unreachable unless <paramref name="keepOwnerAlive"/>.</summary>
    private static (Violation[] Reports, TestHandle Handle, bool ReleasedDuringCall) RunBlockingCall(bool keepOwnerAlive)
    {
        using var recorder = new ReportRecorder();
        (HandleTracker tracker, TestHandle handle, nint raw, Connection? owner) = Open(keepOwnerAlive);
        var worker = new Thread(() => LifetimeNative.BlockHolding(raw));
        worker.Start();
        LifetimeNative.WaitBlocked();
        GC.Collect();
        GC.WaitForPendingFinalizers(); // the owner's finalizer runs now, while the native call blocks
        bool releasedDuringCall = handle.WasReleased;
        LifetimeNative.ReleaseBlocked();
        worker.Join();
        tracker.ReleasedByNative();
        GC.KeepAlive(owner);
        LifetimeNative.Reset();
        return (Mine(recorder, handle), handle, releasedDuringCall);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (HandleTracker, TestHandle, nint, Connection?) Open(bool keepOwnerAlive)
    {
        var owner = new Connection();
        HandleTracker tracker = owner.Retain();
        return (tracker, owner.Handle, owner.Handle.DangerousGetHandle(), keepOwnerAlive ? owner : null);
    }
}
