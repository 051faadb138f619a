// SkippedCallSiteTests.cs: a private nested type in a P/Invoke signature is generated against inside its partial type; call sites the generator cannot wrap are reported at build time (IG1101, IG1103), never skipped silently; and the module initializer that starts the runtime is emitted in every build with full wrappers.
using System;
using System.Globalization;
using System.Linq;
using InteropGuard.Generators.Interception;
using InteropGuard.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Interception;

public class SkippedCallSiteTests
{
    private const string Usings = """
        using System;
        using System.Runtime.InteropServices;
        namespace App;

        """;

    private static string Message(Diagnostic d) => d.GetMessage(CultureInfo.InvariantCulture);

    private static string? Startup(GeneratorRun run) => run.Driver.GetRunResult().GeneratedTrees
        .FirstOrDefault(t => t.FilePath.EndsWith(StartupEmitter.HintName, StringComparison.Ordinal))?.ToString();

    [Test]
    public void Detects_a_qsort_comparer_of_a_private_nested_delegate_type_IG1101()
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + """
            public static class Sorter
            {
                private delegate int Comparer(nint a, nint b);
                [DllImport("libc")] private static extern void qsort(nint items, nuint count, nuint size, Comparer compare);
                public static void Sort(nint items, nuint count) => qsort(items, count, 4, (a, b) => 0);
            }
            """]));

        Diagnostic d = run.Problems.Single();
        Assert.That(d.Id, Is.EqualTo("IG1101"), run.Describe());
        Assert.That(Message(d), Does.StartWith("This call of Sorter.qsort is not checked by InteropGuard: its signature uses the private type 'Sorter.Comparer'"));
        Assert.That(Message(d), Does.EndWith("make 'Sorter' partial (the wrapper is then generated inside it) or make 'Sorter.Comparer' internal"));
        Assert.That(d.Location.GetLineSpan().StartLinePosition.Line, Is.EqualTo(7), "located at the call");
        Assert.That(run.Generated, Is.Null.Or.Not.Contain("qsort"), "no wrapper was generated for it");
        Assert.That(Startup(run), Does.Contain("1 P/Invoke call site(s) not intercepted (IG1101: 1)"), "the start-up line names the gap too");
    }

    private const string PartialSorter = """
        using System;
        using System.Runtime.InteropServices;
        namespace App.Interop;

        public static partial class Sorter
        {
            private delegate int Comparer(nint a, nint b);
            [DllImport("libc")] private static extern void qsort(nint items, nuint count, nuint size, Comparer compare);
            public static void Sort(nint items, nuint count) => qsort(items, count, 4, (a, b) => 0);
        }
        """;

    /// <summary>A compilation whose InterceptorsNamespaces lists <paramref name="namespaces"/> besides the generated one.</summary>
    private static CSharpCompilation WithNamespaces(string source, string namespaces)
    {
        var options = InterceptorCompilation.ParseOptions.WithFeatures(
            [new System.Collections.Generic.KeyValuePair<string, string>("InterceptorsNamespaces", InterceptorEmitter.Namespace + ";" + namespaces)]);
        return CSharpCompilation.Create("Consumer", [CSharpSyntaxTree.ParseText(source, options, path: "/src/File0.cs")], InterceptorCompilation.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
    }

    [Test]
    public void Generates_inside_a_partial_type_whose_private_delegate_the_signature_names()
    {
        GeneratorRun run = InterceptorCompilation.Run(WithNamespaces(PartialSorter, "App"));

        Assert.That(run.Problems, Is.Empty, run.Describe());
        string hosted = run.Driver.GetRunResult().GeneratedTrees
            .Single(t => t.FilePath.EndsWith("InteropGuard.Interceptors.App.Interop.Sorter.g.cs", StringComparison.Ordinal)).ToString();
        Assert.That(hosted, Does.Contain("namespace App.Interop"));
        Assert.That(hosted, Does.Contain("static partial class Sorter"));
        Assert.That(hosted, Does.Contain("private static unsafe class InteropGuardInterceptors"));
        Assert.That(hosted, Does.Contain("global::App.Interop.Sorter.Comparer compare"), "the private type named where it is visible");
        Assert.That(hosted, Does.Contain("EnterCallback(compare, __ig_site,"), "qsort uses its comparer during the call only: a call-scoped callback");
        Assert.That(hosted, Does.Contain("global::App.Interop.Sorter.qsort(items, count, size, compare)"), "called directly, no accessor");
        Assert.That(Startup(run), Does.Contain("Initialize(\"Consumer\", \"\")"), "nothing left unchecked");
    }

    [Test]
    public void Detects_a_partial_type_outside_the_listed_namespaces_IG1101()
    {
        GeneratorRun run = InterceptorCompilation.Run(WithNamespaces(PartialSorter, "Other"));

        Diagnostic d = run.Problems.Single();
        Assert.That(d.Id, Is.EqualTo("IG1101"), run.Describe());
        Assert.That(Message(d), Does.EndWith("add App.Interop to <InterceptorsNamespaces> (the package lists the project's RootNamespace) or make 'Sorter.Comparer' internal"));
    }

    [Test]
    public void Allows_the_same_comparer_declared_internal_and_registers_it_as_a_call_scoped_callback()
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + """
            public static class Sorter
            {
                internal delegate int Comparer(nint a, nint b);
                [DllImport("libc")] private static extern void qsort(nint items, nuint count, nuint size, Comparer compare);
                public static void Sort(nint items, nuint count) => qsort(items, count, 4, (a, b) => 0);
            }
            """]));

        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Does.Contain("EnterCallback(compare, __ig_site,"), "qsort uses its comparer during the call only: a call-scoped callback");
        Assert.That(Startup(run), Does.Contain("Initialize(\"Consumer\", \"\")"), "nothing left unchecked");
    }

    [Test]
    public void Detects_a_local_extern_function_IG1103()
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + """
            public static class User
            {
                public static void Run(nint p)
                {
                    Free(p);

                    [DllImport("libc", EntryPoint = "free")]
                    static extern void Free(nint q);
                }
            }
            """]));

        Diagnostic d = run.Problems.Single();
        Assert.That(d.Id, Is.EqualTo("IG1103"), run.Describe());
        Assert.That(Message(d), Is.EqualTo("This call of User.Free is not checked by InteropGuard: it is a local extern function, which generated code cannot call; its arguments reach native code unrecorded: declare the P/Invoke as a static method of a type"));
    }

    [Test]
    public void Skipped_sites_are_not_reported_when_the_generator_is_off()
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + """
            public static class Sorter
            {
                private delegate int Comparer(nint a, nint b);
                [DllImport("libc")] private static extern void qsort(nint items, nuint count, nuint size, Comparer compare);
                public static void Sort(nint items, nuint count) => qsort(items, count, 4, (a, b) => 0);
            }
            """]), enabled: "false");

        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(Startup(run), Is.Null);
    }

    [Test]
    public void A_module_initializer_starts_the_runtime_even_without_any_PInvoke_call()
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + """
            public static class User
            {
                public static nint Load(string path) => NativeLibrary.Load(path);
            }
            """], allowUnsafe: false));

        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Is.Null, "no call site, no interceptors");
        string startup = Startup(run)!;
        Assert.That(startup, Does.Contain("[global::System.Runtime.CompilerServices.ModuleInitializer]"));
        Assert.That(startup, Does.Contain("global::InteropGuard.Interception.GuardedStartup.Initialize(\"Consumer\", \"\");"));
    }

    [Test]
    public void Light_wrappers_get_no_module_initializer()
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + """
            public static class Native { [DllImport("x")] public static extern void Use(nint p); }
            public static class User { public static void Run(nint p) => Native.Use(p); }
            """]), enabled: null, release: "true");

        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Is.Not.Null);
        Assert.That(Startup(run), Is.Null, "release mode starts on first use");
    }
}
