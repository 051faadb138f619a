// CapturedStackTests.cs - the stacks capture_stacks=1 records: a GuardedNativeMemory block's allocation and free stacks
// start at the user's frame (no frame of InteropGuard's own, such as Alloc, AllocateTracked or FreeTracked, on top),
// and a frame of a dynamic method without a declaring type (the stub reflection invokes a method with arguments
// through, user-emitted IL) is printed like any other instead of costing the whole stack, and names the caller when
// it is the nearest frame.
using System;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using InteropGuard.Checks;
using InteropGuard.Shadow;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

public sealed unsafe class CapturedStackTests : GuardedFixture
{
    // Two cases: NUnit calls a method with arguments through reflection, whose second call goes through a dynamic
    // stub frame (DeclaringTypeName null), the frame that once replaced these stacks with "stack unavailable".
    [TestCase(false)]
    [TestCase(true)]
    public void GuardedNativeMemory_AllocAndFreeStacksStartAtTheCaller(bool zeroed)
    {
        GuardOptions saved = GuardRuntime.Options;
        GuardRuntime.Options = GuardOptions.Parse("capture_stacks=1", null);
        try
        {
            int allocLine = Here.Line(); void* p = zeroed ? GuardedNativeMemory.AllocZeroed(16) : GuardedNativeMemory.Alloc(16);
            int freeLine = Here.Line(); GuardedNativeMemory.Free(p);

            Violation v = Catch(() => Guard.Check((nint)p, 4));

            ReportText report = ReportText.Single(v.ToString());
            string frame0 = $@"^  #0 \S*\.{nameof(CapturedStackTests)}\.{nameof(GuardedNativeMemory_AllocAndFreeStacksStartAtTheCaller)}  {Regex.Escape(Here.FileName())}:";
            Assert.That(report.After("Buffer allocated by:"), Does.Match(frame0 + allocLine + "$"), report.ToString());
            Assert.That(report.After("Buffer freed by:"), Does.Match(frame0 + freeLine + "$"), report.ToString());
        }
        finally
        {
            GuardRuntime.Options = saved;
        }
    }

    [Test]
    public void ADynamicMethodFrame_IsPrintedAndTheStackKept()
    {
        // A dynamic method hosted by a module has no declaring type, as the stubs reflection emits.
        var stub = new DynamicMethod("ig_test_stub", typeof(string), Type.EmptyTypes, typeof(CapturedStackTests).Module, skipVisibility: true);
        ILGenerator il = stub.GetILGenerator();
        il.Emit(OpCodes.Call, typeof(CapturedStackTests).GetMethod(nameof(Capture))!);
        il.Emit(OpCodes.Ret);
        var throughDynamicMethod = stub.CreateDelegate<Func<string>>();

        string stack = throughDynamicMethod();

        Assert.That(stack, Does.Not.Contain("stack unavailable"));
        Assert.That(stack, Does.StartWith($"InteropGuard.Tests.Reports.{nameof(CapturedStackTests)}.{nameof(Capture)}  "));
        Assert.That(stack, Does.Contain("\nig_test_stub\n"), "the dynamic method's frame, by its name alone");
        Assert.That(stack, Does.Contain($"{nameof(CapturedStackTests)}.{nameof(ADynamicMethodFrame_IsPrintedAndTheStackKept)}  "), "the frames below the dynamic one");
    }

    [Test]
    public void ADynamicMethodCaller_IsNamedByItsMethodName()
    {
        var stub = new DynamicMethod("ig_test_caller", typeof(SourceSite), Type.EmptyTypes, typeof(CapturedStackTests).Module, skipVisibility: true);
        ILGenerator il = stub.GetILGenerator();
        il.Emit(OpCodes.Ldstr, "fallback");
        il.Emit(OpCodes.Call, typeof(CallerSite).GetMethod(nameof(CallerSite.FromStack))!);
        il.Emit(OpCodes.Ret);

        SourceSite site = stub.CreateDelegate<Func<SourceSite>>()();

        Assert.That(site.Member, Is.EqualTo("ig_test_caller"), "the fallback means the frame was not read");
    }

    /// <summary>The stack as capture_stacks=1 records it, called from a dynamic method.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static string Capture() => SiteRegistry.CaptureStack(0);
}
