// DoesNotGenerateTests.cs: calls the generator must leave alone (method groups, function pointers, other calls, opted-out code) and builds where it must emit nothing (InteropGuardEnabled not true).
using System.Linq;
using InteropGuard.Generators.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Interception;

/// <summary>Cases that must not generate. Each compiles cleanly with nothing generated (or, where a positive call
/// sits beside, with exactly the positive call intercepted, so the test proves the generator ran).</summary>
public class DoesNotGenerateTests
{
    private const string Native = """
        using System;
        using System.Runtime.InteropServices;
        using InteropGuard.Interception;
        namespace App;
        public static unsafe class Native
        {
            [DllImport("x")] public static extern ulong Sum(nint p, nuint n);
            public static ulong NotPInvoke(nint p, nuint n) => 0;
        }
        """;

    private static GeneratorRun Run(string user, string? enabled = "true")
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Native, user]), enabled);
        Assert.That(run.Problems, Is.Empty, run.Describe());
        return run;
    }

    private static int Sites(GeneratorRun run) =>
        run.Generated is null ? 0 : run.Generated.Split('\n').Count(l => l.Contains("InterceptsLocation(", System.StringComparison.Ordinal) && l.TrimStart().StartsWith('['));

    // The callers of the intercepted GCHandle.Alloc and Free calls, in the pinned-handle interceptor's file.
    private static string[] HandleSites(GeneratorRun run) =>
        run.GeneratedHandles is null ? [] : run.GeneratedHandles.Split('\n')
            .Where(l => l.TrimStart().StartsWith("[global::System.Runtime.CompilerServices.InterceptsLocation(", System.StringComparison.Ordinal))
            .Select(l => l[(l.LastIndexOf("// ", System.StringComparison.Ordinal) + 3)..].Trim())
            .ToArray();

    private const string OnePositiveCall = """
        using InteropGuard.Interception;
        namespace App;
        public static class Positive
        {
            public static ulong Run(nint p) => Native.Sum(p, 1);
        }
        """;

    [Test]
    public void Method_groups_are_not_calls()
    {
        GeneratorRun run = Run(OnePositiveCall + """
            public static class User
            {
                public static ulong Run(nint p)
                {
                    System.Func<nint, nuint, ulong> f = Native.Sum;
                    return f(p, 1);
                }
            }
            """);
        Assert.That(Sites(run), Is.EqualTo(1), run.Describe());
    }

    [Test]
    public void Function_pointer_calls_are_not_intercepted()
    {
        GeneratorRun run = Run(OnePositiveCall + """
            public static unsafe class User
            {
                public static ulong Run(nint p)
                {
                    delegate*<nint, nuint, ulong> f = &Native.Sum;
                    return f(p, 1);
                }
            }
            """);
        Assert.That(Sites(run), Is.EqualTo(1), run.Describe());
    }

    [Test]
    public void Calls_of_ordinary_methods_are_not_intercepted()
    {
        GeneratorRun run = Run("""
            namespace App;
            public static class User
            {
                public static ulong Run(nint p) => Native.NotPInvoke(p, 1) + (ulong)System.Math.Abs(p);
            }
            """);
        Assert.That(run.Generated, Is.Null);
    }

    [TestCase(null)]
    [TestCase("false")]
    [TestCase("")]
    [TestCase("1")]
    public void Nothing_is_generated_unless_InteropGuardEnabled_is_true(string? value)
    {
        GeneratorRun run = Run(OnePositiveCall, value);
        Assert.That(run.Generated, Is.Null);
        Assert.That(run.Output.SyntaxTrees.Count(), Is.EqualTo(run.Input.SyntaxTrees.Count()));
    }

    [Test]
    public void InteropGuardEnabled_is_read_case_insensitively()
    {
        GeneratorRun run = Run(OnePositiveCall, "True");
        Assert.That(Sites(run), Is.EqualTo(1));
    }

    [Test]
    public void NotIntercepted_on_the_calling_method_or_type_leaves_its_calls_alone()
    {
        GeneratorRun run = Run(OnePositiveCall + """
            public static class User
            {
                [NotIntercepted] public static ulong Hot(nint p) => Native.Sum(p, 1);
            }
            [NotIntercepted]
            public static class HotType
            {
                public static ulong Run(nint p) => Native.Sum(p, 1);
                public static class Nested { public static ulong Run(nint p) => Native.Sum(p, 2); }
            }
            """);
        Assert.That(Sites(run), Is.EqualTo(1), run.Describe());
    }

    [Test]
    public void NotIntercepted_on_the_PInvoke_or_its_type_leaves_every_call_alone()
    {
        GeneratorRun run = Run(OnePositiveCall + """
            public static class Raw
            {
                [NotIntercepted, System.Runtime.InteropServices.DllImport("x")] public static extern void Free(nint p);
            }
            [NotIntercepted]
            public static class RawType
            {
                [System.Runtime.InteropServices.DllImport("x")] public static extern void Free(nint p);
            }
            public static class User
            {
                public static void Run(nint p)
                {
                    Raw.Free(p);
                    RawType.Free(p);
                }
            }
            """);
        Assert.That(Sites(run), Is.EqualTo(1), run.Describe());
    }

    [Test]
    public void NotIntercepted_on_the_calling_method_or_type_leaves_its_GCHandle_calls_alone()
    {
        GeneratorRun run = Run(OnePositiveCall + """
            public static class Handles
            {
                public static void Tracked(byte[] a) { var h = System.Runtime.InteropServices.GCHandle.Alloc(a, System.Runtime.InteropServices.GCHandleType.Pinned); h.Free(); }
                [NotIntercepted] public static void Hot(byte[] a) { var h = System.Runtime.InteropServices.GCHandle.Alloc(a, System.Runtime.InteropServices.GCHandleType.Pinned); h.Free(); }
                [NotIntercepted] public static System.Runtime.InteropServices.GCHandle Prop => System.Runtime.InteropServices.GCHandle.Alloc(new byte[1], System.Runtime.InteropServices.GCHandleType.Pinned);
            }
            [NotIntercepted]
            public static class HotType
            {
                public static class Nested { public static void Run(byte[] a) { var h = System.Runtime.InteropServices.GCHandle.Alloc(a, System.Runtime.InteropServices.GCHandleType.Pinned); h.Free(); } }
            }
            """);
        Assert.That(HandleSites(run), Is.EqualTo(new[] { "Handles.Tracked", "Handles.Tracked" }), run.DescribeHandles());
    }

    [Test]
    public void GC_array_allocations_are_intercepted_only_when_they_may_pin()
    {
        GeneratorRun run = Run(OnePositiveCall + """
            public static class Arrays
            {
                public static byte[] Poh() => System.GC.AllocateArray<byte>(64, pinned: true);
                public static T[] Maybe<T>(bool pinned) => System.GC.AllocateUninitializedArray<T>(8, pinned);
                public static byte[] Plain() => System.GC.AllocateArray<byte>(64);
                public static byte[] Unpinned() => System.GC.AllocateUninitializedArray<byte>(64, false);
            }
            """);
        Assert.That(HandleSites(run), Is.EqualTo(new[] { "Arrays.Poh", "Arrays.Maybe" }), run.DescribeHandles());
        Assert.That(run.GeneratedHandles, Does.Contain("global::InteropGuard.Interception.PinnedArrays.AllocateArray<T>(length, pinned)"), run.DescribeHandles());
        Assert.That(run.GeneratedHandles, Does.Contain("global::InteropGuard.Interception.PinnedArrays.AllocateUninitializedArray<T>(length, pinned)"), run.DescribeHandles());
    }

    [Test]
    public void Calls_inside_expression_trees_are_data_not_calls()
    {
        GeneratorRun run = Run(OnePositiveCall + """
            public static class User
            {
                public static object Run() { System.Linq.Expressions.Expression<System.Func<nint, ulong>> e = p => Native.Sum(p, 1); return e; }
            }
            """);
        Assert.That(Sites(run), Is.EqualTo(1), run.Describe());
    }

    [Test]
    public void PInvokes_with_nothing_to_check_are_not_intercepted()
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create(["""
            using System.Runtime.InteropServices;
            namespace App;
            public static class Native
            {
                [DllImport("x")] public static extern int Version(int major, double scale, out nint handle);
            }
            public static class User
            {
                public static int Run() => Native.Version(1, 2.0, out _);
            }
            """]));
        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Is.Null, "numbers and out parameters carry nothing into native code that could be checked");
    }
}
