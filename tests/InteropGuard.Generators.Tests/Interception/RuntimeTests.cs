// RuntimeTests.cs: the generated wrappers at run time: a program with plain [DllImport]s, compiled with the generator against the real InteropGuard.dll, run as a child process per scenario (bug, fix, check off).
using System.Collections.Generic;
using InteropGuard.Generators.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Interception;

/// <summary>Paired cases: each Detects_ case is the bug reached through an intercepted call and names the user's call
/// site (file:line baked in by the generator); each Allows_ case is the nearest correct code; each detection is rerun
/// with its check off to prove the check (not something else) found it.</summary>
[NonParallelizable]
public class RuntimeTests
{
    private ProbeApp _probe = null!;

    [OneTimeSetUp]
    public void BuildProbe() => _probe = ProbeApp.Build(ProbeProgram.Source);

    [OneTimeTearDown]
    public void DeleteProbe() => _probe?.Delete();

    private static Dictionary<string, string?> Options(string options) => new() { ["INTEROPGUARD_OPTIONS"] = options };

    private static void AssertSilent(ProbeResult r)
    {
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.Contain("reports=0"), r.ToString());
        Assert.That(r.Stdout, Does.Not.Contain("caught"), r.ToString());
        Assert.That(r.Stderr, Does.Not.Contain("ERROR: InteropGuard"), r.ToString());
    }

    [Test]
    public void Detects_native_use_after_free_through_a_plain_DllImport_at_the_users_call()
    {
        ProbeResult r = _probe.Run("uaf");
        int line = _probe.LineOf("uaf");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.ToString());
        Assert.That(r.Stdout, Does.Contain("caught native-use-after-free argument=p"), r.ToString());
        Assert.That(r.Stdout, Does.Not.Contain("sum="), "the native call must not run");
        Assert.That(r.Stderr, Does.Contain("ERROR: InteropGuard: native-use-after-free on address 0x"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("P/Invoke argument 'p' points 0 bytes into a 16-byte native buffer"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("Call that received the freed pointer:\n  #0 [P/Invoke] TestNative.Sum(nint p, nuint n)\n  #1 Program.UseAfterFree  Program.cs:" + line + "\n"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("SUMMARY: InteropGuard: native-use-after-free Program.cs:" + line + " in Program.UseAfterFree"), r.ToString());
    }

    [Test]
    public void Allows_the_fixed_code_use_before_free()
    {
        ProbeResult r = _probe.Run("uaf-fixed");
        AssertSilent(r);
        Assert.That(r.Stdout, Does.Contain("sum=").And.Contain("reports=0"));
    }

    [Test]
    public void Detects_native_use_after_free_is_off_with_its_option()
    {
        ProbeResult r = _probe.Run("uaf", Options("detect_native_use_after_free=0"));
        AssertSilent(r);
        Assert.That(r.Stdout, Does.Contain("sum="), "the call ran unchecked");
    }

    [Test]
    public void Mode_0_makes_the_wrapper_the_direct_call()
    {
        ProbeResult r = _probe.Run("uaf", new Dictionary<string, string?> { ["INTEROPGUARD"] = "0" });
        AssertSilent(r);
    }

    [Test]
    public void Detects_use_after_free_through_a_private_PInvoke_called_via_UnsafeAccessor()
    {
        ProbeResult r = _probe.Run("private-uaf");
        int line = _probe.LineOf("private");
        Assert.That(r.Stdout, Does.Contain("caught native-use-after-free argument=p"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("  #0 [P/Invoke] TestNative.SumPrivate(nint p, nuint n)\n  #1 TestNative.CallPrivate  Program.cs:" + line + "\n"), r.ToString());
    }

    [Test]
    public void Records_a_marshalled_array_as_a_call_scoped_pin_released_after_the_call()
    {
        ProbeResult r = _probe.Run("array-pin");
        int line = _probe.LineOf("array-pin");
        // kind 2 = MANAGED_PIN, state 3 = RELEASED, flags 2 = CALL_SCOPED; created and released at the call.
        Assert.That(r.Stdout, Does.Contain($"pin kind=2 state=3 flags=2 alloc=Program.ArrayPin@Program.cs:{line} release=Program.ArrayPin@Program.cs:{line}"), r.ToString());
        // The pointer native code kept reaches a later call: the pin is gone, but a `fixed` the process cannot see may
        // hold the array again, so the boundary leaves it to the validator (no report).
        AssertSilent(r);
    }

    // A delegate passed to a parameter that does not retain it is a call-scoped callback (kind 4, state 3 RELEASED after
    // the call, flags 2 CALL_SCOPED). Native code kept its pointer anyway; once the GC collected the delegate the pointer
    // reaching a call is reported, while the delegate lives it is not.
    [Test]
    public void Detects_a_collected_call_scoped_delegate_whose_function_pointer_reaches_a_call()
    {
        ProbeResult r = _probe.Run("callback");
        int use = _probe.LineOf("callback-use");
        int created = _probe.LineOf("callback-keep");
        Assert.That(r.Stdout, Does.Contain("live ranges added by the call 0"), "call-scoped: nothing lasts beyond the call\n" + r);
        Assert.That(r.Stdout, Does.Contain($"callback kind=4 state=3 flags=2 alloc=Program.MakeAndHandOver@Program.cs:{created} release=Program.MakeAndHandOver@Program.cs:{created}"), r.ToString());
        Assert.That(r.Stdout, Does.Contain("caught collected-delegate-callback argument=p"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("ERROR: InteropGuard: collected-delegate-callback on address 0x"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("P/Invoke argument 'p' is the entry of a 1-byte callback [0x").And.Contain("), passed to native code for one call; its delegate was collected since."), r.ToString());
        Assert.That(r.Stderr, Does.Contain("Callback created by:\n  #0 Program.MakeAndHandOver  Program.cs:" + created), r.ToString());
        Assert.That(r.Stderr, Does.Contain("mark the P/Invoke parameter [RetainedByNative]"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("SUMMARY: InteropGuard: collected-delegate-callback Program.cs:" + use + " in Program.CollectedCallback"), r.ToString());
    }

    [Test]
    public void Allows_a_call_scoped_delegate_kept_alive_while_native_code_holds_it()
    {
        ProbeResult r = _probe.Run("callback-alive");
        Assert.That(r.Stdout, Does.Contain("callback kind=4 state=3 flags=2"), "released with its call: " + r);
        AssertSilent(r);
    }

    [Test]
    public void Detects_collected_delegate_callback_is_off_with_its_option()
    {
        ProbeResult r = _probe.Run("callback", Options("detect_collected_delegate_callback=0"));
        Assert.That(r.Stdout, Does.Contain("callback kind=4 state=3"), "the delegate was still collected: " + r);
        AssertSilent(r);
    }

    // A [RetainedByNative] parameter: the delegate is registered once as a retained range (flags 1) and released when the
    // GC collects it.
    [Test]
    public void Detects_a_collected_retained_delegate_whose_function_pointer_reaches_a_call()
    {
        ProbeResult r = _probe.Run("retained-callback");
        int use = _probe.LineOf("retained-use");
        int created = _probe.LineOf("retained-keep");
        Assert.That(r.Stdout, Does.Contain("second registration added 0 ranges"), "one range per delegate: " + r);
        Assert.That(r.Stdout, Does.Contain("callback kind=4 state=3 flags=1 alloc=Program.MakeAndRegister@Program.cs:" + created), r.ToString());
        Assert.That(r.Stdout, Does.Contain("caught collected-delegate-callback argument=p"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("Callback created by:\n  #0 Program.MakeAndRegister  Program.cs:" + created), r.ToString());
        Assert.That(r.Stderr, Does.Contain("SUMMARY: InteropGuard: collected-delegate-callback Program.cs:" + use + " in Program.CollectedRetainedCallback"), r.ToString());
    }

    [Test]
    public void Allows_a_retained_delegate_kept_alive_while_native_code_holds_it()
    {
        ProbeResult r = _probe.Run("retained-callback-alive");
        Assert.That(r.Stdout, Does.Contain("callback kind=4 state=1 flags=1"), "live and retained: " + r);
        AssertSilent(r);
    }

    [Test]
    public void Detects_collected_retained_delegate_is_off_with_its_option()
    {
        ProbeResult r = _probe.Run("retained-callback", Options("detect_collected_delegate_callback=0"));
        Assert.That(r.Stdout, Does.Contain("callback kind=4 state=3 flags=1"), "the delegate was still collected: " + r);
        AssertSilent(r);
    }

    // 20,000 qsort-style calls, a fresh delegate each, forced GCs: silent, and no range outlives its call.
    [Test]
    public void Allows_a_fresh_delegate_per_call_used_only_during_the_call()
    {
        ProbeResult r = _probe.Run("callback-loop");
        Assert.That(r.Stdout, Does.Contain("sum=").And.Contain("live ranges added 0"), r.ToString());
        AssertSilent(r);
    }

    [Test]
    public void Detects_a_freed_pointer_in_a_field_of_a_ref_struct()
    {
        ProbeResult r = _probe.Run("struct-field");
        int line = _probe.LineOf("struct-field");
        Assert.That(r.Stdout, Does.Contain("caught native-use-after-free argument=h.Data"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("P/Invoke argument 'h.Data' points 0 bytes into a 16-byte native buffer"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("SUMMARY: InteropGuard: native-use-after-free Program.cs:" + line + " in Program.StructField"), r.ToString());
    }

    [Test]
    public void Allows_a_live_pointer_in_a_field_of_a_ref_struct()
    {
        AssertSilent(_probe.Run("struct-field-ok"));
    }

    [Test]
    public void Detects_freed_pointer_in_a_ref_struct_field_is_off_with_its_option()
    {
        AssertSilent(_probe.Run("struct-field", Options("detect_native_use_after_free=0")));
    }

    [Test]
    public void Detects_a_freed_pointer_in_a_struct_inside_a_tracked_native_block()
    {
        ProbeResult r = _probe.Run("struct-pointer");
        int line = _probe.LineOf("struct-pointer");
        Assert.That(r.Stdout, Does.Contain("caught native-use-after-free argument=h->Data"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("SUMMARY: InteropGuard: native-use-after-free Program.cs:" + line + " in Program.StructPointer"), r.ToString());
    }

    [Test]
    public void Allows_a_live_pointer_in_a_struct_inside_a_tracked_native_block()
    {
        AssertSilent(_probe.Run("struct-pointer-ok"));
    }

    [Test]
    public void Detects_freed_pointer_in_a_struct_behind_a_pointer_is_off_with_its_option()
    {
        AssertSilent(_probe.Run("struct-pointer", Options("detect_native_use_after_free=0")));
    }

    [Test]
    public void Detects_a_SafeHandle_disposed_while_the_call_used_it()
    {
        ProbeResult r = _probe.Run("handle");
        int line = _probe.LineOf("handle");
        Assert.That(r.Stdout, Does.Not.Contain("ObjectDisposedException"), "the handle was disposed before the call started: " + r);
        Assert.That(r.Stdout, Does.Contain("caught handle-released-in-use argument=fd"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("ERROR: InteropGuard: handle-released-in-use on address 0x"), r.ToString());
        Assert.That(r.Stderr, Does.Contain("  #0 [P/Invoke] Libc.Read(SafeFileHandle fd, byte* buffer, nint count)\n  #1 Program.HandleDisposedDuringCall  Program.cs:" + line), r.ToString());
        Assert.That(r.Stderr, Does.Contain("SUMMARY: InteropGuard: handle-released-in-use Program.cs:" + line + " in Program.HandleDisposedDuringCall"), r.ToString());
    }

    [Test]
    public void Allows_a_SafeHandle_kept_open_during_the_call()
    {
        ProbeResult r = _probe.Run("handle-ok");
        AssertSilent(r);
        Assert.That(r.Stdout, Does.Contain("read=1 closed=False"), r.ToString());
    }

    [Test]
    public void Detects_handle_released_in_use_is_off_with_its_option()
    {
        ProbeResult r = _probe.Run("handle", Options("detect_handle_released_in_use=0"));
        AssertSilent(r);
        Assert.That(r.Stdout, Does.Contain("read=1 closed=True"), "the handle was still disposed during the call: " + r);
    }
}
