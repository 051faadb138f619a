// LightWrapperTests.cs: the generator with InteropGuardRelease=true (release mode): light interceptors only around calls with pointer arguments, one CheckPointer per pointer, nothing else; every output compiles with no warnings.
using System.Linq;
using InteropGuard.Generators.Interception;
using InteropGuard.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Interception;

/// <summary>Light wrappers (docs/design/generator.md, "Light wrappers (release mode)"): what they check, what they
/// leave alone, and which switch combinations produce them.</summary>
public class LightWrapperTests
{
    private const string Usings = "using System;\nusing System.Runtime.InteropServices;\nusing InteropGuard.Interception;\nnamespace App;\n";

    private const string Runtime = "global::InteropGuard.Interception.GuardedCall";

    /// <summary>The generator as a Release build with InteropGuardRelease=true sees it (InteropGuardEnabled=false).</summary>
    private static GeneratorRun Light(string source, bool allowUnsafe = true)
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + source], allowUnsafe: allowUnsafe), enabled: "false", release: "true");
        Assert.That(run.Problems, Is.Empty, run.Describe());
        return run;
    }

    private static int Sites(GeneratorRun run) =>
        run.Generated is null ? 0 : run.Generated.Split('\n').Count(l => l.TrimStart().StartsWith("[global::System.Runtime.CompilerServices.InterceptsLocation(", System.StringComparison.Ordinal));

    private static void AssertNothingAroundTheCall(string generated)
    {
        Assert.That(generated, Does.Not.Match(@"Guarded\d"), "no wrapper method: the check is inside the interceptor");
        Assert.That(generated, Does.Not.Contain("fixed"), "no pins");
        Assert.That(generated, Does.Not.Contain("try"), "no try/finally");
        Assert.That(generated, Does.Not.Contain("PinArgument").And.Not.Contain("ReleaseArgument"));
        Assert.That(generated, Does.Not.Contain("TrackCallback").And.Not.Contain("EnterHandle").And.Not.Contain("ExitHandle"));
        Assert.That(generated, Does.Not.Contain("CheckStructPointer"));
    }

    private const string SumSource = """
        public static class Native
        {
            [DllImport("x")] public static extern ulong Sum(nint p, nuint n);
        }
        public static class User
        {
            public static ulong Run(nint p) => Native.Sum(p, 16);
        }
        """;

    [Test]
    public void Nint_argument_gets_one_inlined_CheckPointer_then_the_direct_call()
    {
        GeneratorRun run = Light(SumSource);
        string g = run.Generated!;
        Assert.That(Sites(run), Is.EqualTo(1));
        string expected = string.Join("\n",
            "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]",
            "internal static ulong Intercept0(nint p, nuint n)",
            "{",
            $"    if ({Runtime}.IsEnabled)",
            "    {",
            $"        {Runtime}.CheckPointer((nint)p, \"p\", s_site0);",
            "    }",
            "",
            "    return global::App.Native.Sum(p, n);",
            "}");
        Assert.That(Unindent(g), Does.Contain(expected), g);
        Assert.That(g, Does.Contain("new(\"User.Run\", \"/src/File0.cs\", 11, \"Native.Sum(nint p, nuint n)\")"), "the site is baked in as in full wrappers");
        Assert.That(g, Does.Contain("InteropGuardRelease=true"));
        AssertNothingAroundTheCall(g);
    }

    [Test]
    public void Pointers_and_function_pointers_are_checked_as_values()
    {
        GeneratorRun run = Light("""
            public static unsafe class Native
            {
                [DllImport("x")] public static extern void Walk(void* raw, byte* bytes, delegate* unmanaged<int, void> fn, int count);
            }
            public static unsafe class User
            {
                public static void Run(byte* b, delegate* unmanaged<int, void> f) => Native.Walk(b, b, f, 1);
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain($"{Runtime}.CheckPointer((nint)raw, \"raw\", s_site0);"));
        Assert.That(g, Does.Contain($"{Runtime}.CheckPointer((nint)bytes, \"bytes\", s_site0);"));
        Assert.That(g, Does.Contain($"{Runtime}.CheckPointer((nint)fn, \"fn\", s_site0);"));
        Assert.That(g, Does.Not.Contain("\"count\""), "numbers are not checked");
        Assert.That(g, Does.Contain("global::App.Native.Walk(raw, bytes, fn, count);"));
        AssertNothingAroundTheCall(g);
    }

    [Test]
    public void Constant_null_or_zero_arguments_are_not_checked()
    {
        GeneratorRun run = Light("""
            public static unsafe class Native
            {
                [DllImport("x")] public static extern int Bind(nint statement, byte* text, nint destructor);
                [DllImport("x")] public static extern int Close(nint handle);
            }
            public static unsafe class User
            {
                private const nint None = 0;
                public static int Run(nint s, byte* t) => Native.Bind(s, t, 0) + Native.Bind(s, null, default) + Native.Bind(s, t, None);
                public static int Field(nint s, byte* t) => Native.Bind(s, t, IntPtr.Zero);
                public static int Nothing() => Native.Close(0);
            }
            """);
        string g = run.Generated!;
        string[] interceptors = Unindent(g).Split("internal static int Intercept").Skip(1).ToArray();
        Assert.That(interceptors, Has.Length.EqualTo(4), "Close(0) has nothing to check and stays the direct call");
        Assert.That(interceptors[0], Does.Contain("(nint)statement").And.Contain("(nint)text").And.Not.Contain("(nint)destructor"), "literal 0");
        Assert.That(interceptors[1], Does.Contain("(nint)statement").And.Not.Contain("(nint)text").And.Not.Contain("(nint)destructor"), "null and default");
        Assert.That(interceptors[2], Does.Not.Contain("(nint)destructor"), "a const zero");
        Assert.That(interceptors[3], Does.Contain("(nint)destructor"), "IntPtr.Zero is a field: checked like any value");
        Assert.That(g, Does.Contain("global::App.Native.Bind(statement, text, destructor);"), "every argument is still passed");
    }

    [Test]
    public void Struct_pointer_checks_the_pointer_itself_never_its_fields()
    {
        GeneratorRun run = Light("""
            public unsafe struct Node { public Node* Next; public nint Payload; }
            public static unsafe class Native
            {
                [DllImport("x")] public static extern void Walk(Node* head);
            }
            public static unsafe class User
            {
                public static void Run(Node* n) => Native.Walk(n);
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain($"{Runtime}.CheckPointer((nint)head, \"head\", s_site0);"));
        Assert.That(g, Does.Not.Contain("head->"), "fields are not read in release mode");
        Assert.That(g, Does.Not.Contain("sizeof"));
        AssertNothingAroundTheCall(g);
    }

    [Test]
    public void Calls_without_pointer_arguments_get_no_interceptor()
    {
        GeneratorRun run = Light("""
            public delegate void Progress(int percent);
            public unsafe struct Header { public byte* Data; public nint Handle; }
            public static class Native
            {
                [DllImport("x")] public static extern int Copy(byte[] a);
                [DllImport("x", CharSet = CharSet.Unicode)] public static extern void Wide(string s);
                [DllImport("x")] public static extern void Start(Progress? progress);
                [DllImport("libc", EntryPoint = "read")] public static extern int Read(Microsoft.Win32.SafeHandles.SafeFileHandle fd, byte[] buffer, int count);
                [DllImport("x")] public static extern void Fill(ref Header h, Header v);
                [DllImport("x")] public static extern int Version(int major, out nint handle);
            }
            public static class User
            {
                public static void Run(Microsoft.Win32.SafeHandles.SafeFileHandle h, Header v)
                {
                    Native.Copy(new byte[4]);
                    Native.Wide("w");
                    Native.Start(null);
                    Native.Read(h, new byte[4], 4);
                    Native.Fill(ref v, v);
                    Native.Version(1, out _);
                }
            }
            """);
        Assert.That(run.Generated, Is.Null, "arrays, strings, delegates, SafeHandles, struct fields and out values are not checked in release mode: nothing to intercept");
        Assert.That(run.Output.SyntaxTrees.Count(), Is.EqualTo(run.Input.SyntaxTrees.Count()));
    }

    [Test]
    public void Arrays_delegates_and_SafeHandles_pass_through_untouched_beside_a_checked_pointer()
    {
        GeneratorRun run = Light("""
            public delegate void Progress(int percent);
            public static class Native
            {
                [DllImport("libc", EntryPoint = "read")] public static extern nint Read(Microsoft.Win32.SafeHandles.SafeFileHandle fd, byte[] buffer, Progress? progress, nint context);
            }
            public static class User
            {
                public static nint Run(Microsoft.Win32.SafeHandles.SafeFileHandle h, byte[] b, nint c) => Native.Read(h, b, null, c);
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain($"{Runtime}.CheckPointer((nint)context, \"context\", s_site0);"));
        Assert.That(g, Does.Not.Contain("\"fd\"").And.Not.Contain("\"buffer\"").And.Not.Contain("\"progress\""));
        Assert.That(g, Does.Contain("return global::App.Native.Read(fd, buffer, progress, context);"));
        AssertNothingAroundTheCall(g);
    }

    [Test]
    public void Only_the_calls_with_pointer_arguments_are_intercepted()
    {
        GeneratorRun run = Light("""
            public static class Native
            {
                [DllImport("x")] public static extern void Free(nint p);
                [DllImport("x")] public static extern int Copy(byte[] a);
            }
            public static class User
            {
                public static void Run(nint p)
                {
                    Native.Free(p);
                    Native.Copy(new byte[1]);
                    Native.Free(p + 1);
                }
            }
            """);
        Assert.That(Sites(run), Is.EqualTo(2), run.Describe());
        Assert.That(run.Generated, Does.Not.Contain("Native.Copy"));
    }

    [Test]
    public void Private_PInvoke_is_called_through_an_UnsafeAccessor()
    {
        GeneratorRun run = Light("""
            public static class Native
            {
                [DllImport("x")] private static extern void Free(nint p);
                [DllImport("x")] private static extern void Release(nint p);
                public static void Run(nint p)
                {
                    Free(p);
                    Free(p);
                    Release(p);
                }
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("UnsafeAccessorKind.StaticMethod, Name = \"Free\")]"));
        Assert.That(g, Does.Contain("[global::System.Runtime.CompilerServices.UnsafeAccessorType(\"App.Native, Consumer\")] object? __ig_type, nint p);"));
        Assert.That(g, Does.Contain("Call0(null, p);"));
        Assert.That(g, Does.Contain("Call1(null, p);"));
        Assert.That(g.Split("Name = \"Free\"").Length - 1, Is.EqualTo(1), "one accessor per P/Invoke, shared by its sites");
    }

    [Test]
    public void Without_unsafe_code_the_nint_checks_remain()
    {
        GeneratorRun run = Light("""
            public static class Native
            {
                [DllImport("x")] public static extern void Send(nint p, byte[] data);
            }
            public static class User
            {
                public static void Run(nint p, byte[] d) => Native.Send(p, d);
            }
            """, allowUnsafe: false);
        Assert.That(run.Generated, Does.Contain("file static class InteropGuardInterceptors"), "no unsafe modifier");
        Assert.That(run.Generated, Does.Contain($"{Runtime}.CheckPointer((nint)p, \"p\", s_site0);"));
    }

    [Test]
    public void Keyword_parameter_names_and_ref_kinds_round_trip()
    {
        GeneratorRun run = Light("""
            public static class Native
            {
                [DllImport("x")] public static extern int Get(nint @object, ref int @ref, out nint @out, params int[] @params);
            }
            public static class User
            {
                public static int Run(nint o)
                {
                    int r = 0;
                    return Native.Get(o, ref r, out nint x, 1, 2);
                }
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("CheckPointer((nint)@object, \"object\", s_site0);"));
        Assert.That(g, Does.Not.Contain("\"out\""), "out: nothing flows in");
        Assert.That(g, Does.Contain("return global::App.Native.Get(@object, ref @ref, out @out, @params);"));
    }

    [Test]
    public void A_parameter_named_like_the_site_field_does_not_shadow_it()
    {
        GeneratorRun run = Light("""
            public static class Native
            {
                [DllImport("x")] public static extern int Get(nint s_site0, nint __ig_site);
            }
            public static class User
            {
                public static int Run(nint o) => Native.Get(o, o);
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("CheckPointer((nint)__ig_user_s_site0, \"s_site0\", s_site0);"), g);
        Assert.That(g, Does.Contain("return global::App.Native.Get(__ig_user_s_site0, __ig_user___ig_site);"), g);
    }

    [TestCase(null)]
    [TestCase("false")]
    [TestCase("")]
    public void Release_without_InteropGuardRelease_generates_nothing(string? release)
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + SumSource]), enabled: "false", release: release);
        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Is.Null);
    }

    [TestCase(null)]
    [TestCase("")]
    public void InteropGuardRelease_alone_is_enough(string? enabled)
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + SumSource]), enabled: enabled, release: "True");
        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Does.Contain($"{Runtime}.CheckPointer((nint)p, \"p\", s_site0);"));
    }

    [Test]
    public void InteropGuardEnabled_with_InteropGuardRelease_gives_full_wrappers()
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + SumSource]), enabled: "true", release: "true");
        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Does.Contain("private static ulong Guarded0(global::InteropGuard.Interception.GuardedCallSite __ig_site, nint p, nuint n)"));
        Assert.That(run.Generated, Does.Contain("CheckPointer((nint)p, \"p\", __ig_site);"));
        Assert.That(run.Generated, Does.Not.Contain("InteropGuardRelease=true"));
    }

    [Test]
    public void An_unrelated_edit_leaves_the_light_output_cached()
    {
        const string unrelated = "namespace App;\npublic static class Other { public static int Twice(int x) => x * 2; }\n";
        CSharpCompilation first = InterceptorCompilation.Create([Usings + SumSource, unrelated]);
        GeneratorDriver driver = InterceptorCompilation.CreateDriver(enabled: "false", release: "true").RunGenerators(first);
        string generated = driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith(InterceptorEmitter.HintName, System.StringComparison.Ordinal)).ToString();

        SyntaxTree old = first.SyntaxTrees.Last();
        SyntaxTree edited = CSharpSyntaxTree.ParseText(unrelated.Replace("x * 2", "x + x", System.StringComparison.Ordinal), InterceptorCompilation.ParseOptions, path: old.FilePath);
        driver = driver.RunGenerators(first.ReplaceSyntaxTree(old, edited));

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var output = result.TrackedSteps[InteropGuard.Generators.Interception.PInvokeInterceptorGenerator.OutputInputStep].SelectMany(s => s.Outputs).ToList();
        Assert.That(output, Is.Not.Empty);
        Assert.That(output.Select(o => o.Reason), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged));
        Assert.That(result.GeneratedSources.Single().SourceText.ToString(), Is.EqualTo(generated));
    }

    [Test]
    public void Switching_from_full_to_light_regenerates_without_rereading_call_sites()
    {
        CSharpCompilation compilation = InterceptorCompilation.Create([Usings + SumSource]);
        GeneratorDriver driver = InterceptorCompilation.CreateDriver(enabled: "true", release: "true").RunGenerators(compilation);
        Assert.That(driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith(InterceptorEmitter.HintName, System.StringComparison.Ordinal)).ToString(), Does.Contain("Guarded0("));

        driver = InterceptorCompilation.WithSwitches(driver, enabled: "false", release: "true").RunGenerators(compilation);

        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var sites = result.TrackedSteps[InteropGuard.Generators.Interception.PInvokeInterceptorGenerator.CallSitesStep].SelectMany(s => s.Outputs).ToList();
        Assert.That(sites.Select(o => o.Reason), Is.All.AnyOf(IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged), "the mode is not part of the call-site models");
        var output = result.TrackedSteps[InteropGuard.Generators.Interception.PInvokeInterceptorGenerator.OutputInputStep].SelectMany(s => s.Outputs).ToList();
        Assert.That(output.Select(o => o.Reason), Has.Some.EqualTo(IncrementalStepRunReason.Modified), "the mode is part of the output's input");
        string light = result.GeneratedSources.Single().SourceText.ToString();
        Assert.That(light, Does.Not.Contain("Guarded0("));
        Assert.That(light, Does.Contain("CheckPointer((nint)p, \"p\", s_site0);"));
    }

    /// <summary>The generated text with each line's leading indentation reduced to the interceptor's own, so a method
    /// can be compared as a block.</summary>
    private static string Unindent(string generated) =>
        string.Join("\n", generated.Replace("\r\n", "\n", System.StringComparison.Ordinal).Split('\n')
            .Select(l => l.StartsWith("        ", System.StringComparison.Ordinal) ? l[8..] : l.TrimStart()));
}
