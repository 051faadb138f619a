// RepeatedArgumentTests.cs: light wrappers skip the release-mode check of an argument the previous statement's intercepted call checked (CheckRepeatedPointer), and only when nothing in between could have released it.
using System.Linq;
using System.Text.RegularExpressions;
using InteropGuard.Generators.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Interception;

/// <summary>Repeated arguments (docs/design/generator.md, "Repeated arguments"): each positive case is the pattern of a
/// driver binding and stepping one handle; each negative case is the nearest code where something could release or
/// change the value between the two calls, and must keep the full check.</summary>
public class RepeatedArgumentTests
{
    private const string Usings = "using System;\nusing System.Runtime.InteropServices;\nnamespace App;\n";

    private const string NativeClass = """
        public static unsafe class Native
        {
            [DllImport("x")] public static extern int Bind(nint statement, int index, long value);
            [DllImport("x")] public static extern int BindText(nint statement, int index, byte* text, int length, nint destructor);
            [DllImport("x")] public static extern int Step(nint statement);
            [DllImport("x")] public static extern int Reset(nint statement);
            [DllImport("x")] public static extern int Refresh(nint statement, out nint replacement);
        }
        """;

    private static string Generate(string user, bool enabled = false)
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create([Usings + NativeClass + "\n" + user]),
            enabled: enabled ? "true" : "false", release: "true");
        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Is.Not.Null, run.Describe());
        return run.Generated!;
    }

    private static int Count(string generated, string text) => Regex.Matches(generated, Regex.Escape(text)).Count;

    private static int Full(string generated, string argument) => Count(generated, $".CheckPointer((nint){argument},");

    private static int Repeated(string generated, string argument) => Count(generated, $".CheckRepeatedPointer((nint){argument},");

    [Test]
    public void A_handle_bound_and_stepped_in_consecutive_statements_is_checked_once_per_run()
    {
        string g = Generate("""
            public unsafe class User
            {
                private byte* _text = null;
                private readonly int[] _lengths = new int[4];
                public int Insert(nint insert, int rows)
                {
                    int done = 0;
                    for (int i = 0; i < rows; i++)
                    {
                        Native.Bind(insert, 1, i);
                        Native.Bind(insert, 2, i * 2L);
                        Native.BindText(insert, 3, _text + i, _lengths[i & 3], 0);
                        if (Native.Step(insert) != 101)
                        {
                            done = -1;
                        }

                        Native.Reset(insert);
                    }

                    return done;
                }
            }
            """);
        Assert.That(Repeated(g, "statement"), Is.EqualTo(3), "the second Bind, BindText and Step follow a call that checked `insert`\n" + g);
        Assert.That(Full(g, "statement"), Is.EqualTo(2), "the first Bind, and Reset after an if whose body runs code\n" + g);
        Assert.That(Full(g, "text"), Is.EqualTo(1), "a new value is always checked");
        Assert.That(Repeated(g, "text"), Is.Zero);
    }

    [Test]
    public void Assignments_declarations_and_returns_carry_the_check()
    {
        string g = Generate("""
            public static class User
            {
                public static int Run(nint s)
                {
                    int rc = Native.Step(s);
                    rc += Native.Step(s);
                    rc = Native.Step(s);
                    return Native.Reset(s);
                }
            }
            """);
        Assert.That(Full(g, "statement"), Is.EqualTo(1), g);
        Assert.That(Repeated(g, "statement"), Is.EqualTo(3), g);
    }

    [TestCase("Native.Step(s); Other.Release(); Native.Step(s);", TestName = "A method call between the calls")]
    [TestCase("Native.Step(s); t = s; Native.Step(s);", TestName = "Any statement between the calls")]
    [TestCase("Native.Step(s); Native.Bind(s, 1, Other.Next());", TestName = "A method call in the arguments")]
    [TestCase("Native.Step(s); Native.Bind(s, 1, Other.Count);", TestName = "A property read in the arguments")]
    [TestCase("Native.Step(s); Native.Bind(s, 1, Other.Total);", TestName = "A static field read in the arguments (static constructor)")]
    [TestCase("Native.Step(s); Native.Step(s = t);", TestName = "The variable assigned in the arguments")]
    [TestCase("Native.Refresh(s, out s); Native.Step(s);", TestName = "The variable written by an out argument")]
    [TestCase("Native.Step(s); Native.Step(s + 1);", TestName = "A different value")]
    [TestCase("Native.Step(s); int x = Other.Next() + Native.Step(s);", TestName = "Code before the call in its statement")]
    [TestCase("Native.Step(s); Other.Use(Native.Step(s));", TestName = "The call inside another call's arguments")]
    [TestCase("if (Native.Step(s) != 0) { Other.Release(); } Native.Step(s);", TestName = "An if statement before the call")]
    [TestCase("Other.Use(Native.Step(s)); Native.Step(s);", TestName = "Code after the first call in its statement")]
    [TestCase("Native.Step(s); Native.Step(s); Action a = () => s = t;", TestName = "The variable captured by a lambda")]
    [TestCase("Native.Step(s); Native.Step(s); nint* a = &s;", TestName = "The variable's address taken")]
    [TestCase("Native.Step(Handle); Native.Step(Handle);", TestName = "A field (another thread may change it)")]
    public void Keeps_the_full_check_when_something_could_release_or_change_the_value(string body)
    {
        string g = Generate($$"""
            public static class Other
            {
                public static int Total = 3;
                public static int Count => 1;
                public static int Next() => 2;
                public static void Release() { }
                public static void Use(int rc) { }
            }
            public unsafe class User
            {
                public nint Handle;
                public void Run(nint s, nint t)
                {
                    {{body}}
                }
            }
            """);
        Assert.That(Repeated(g, "statement"), Is.Zero, g);
        Assert.That(Full(g, "statement"), Is.EqualTo(2), g);
    }

    private const string Helpers = """
        public class Helpers
        {
            public bool Quiet;
            public void Fail(string what) { string message = "sqlite: " + what; throw new InvalidOperationException(message); }
            public static void FailStatic() => throw new InvalidOperationException();
            [System.Diagnostics.CodeAnalysis.DoesNotReturn] public static void Annotated() => Environment.FailFast("x");
            public void MayReturn(string what) { if (Quiet) { return; } throw new InvalidOperationException(what); }
            public void EndsReachable() { try { throw new InvalidOperationException(); } catch (InvalidOperationException) { } }
            public virtual void Virtual() => throw new InvalidOperationException();
            public async void Async() { await System.Threading.Tasks.Task.Yield(); throw new InvalidOperationException(); }
            public System.Collections.Generic.IEnumerable<int> Iterator() { yield return 1; throw new InvalidOperationException(); }
            public void Release() { }
        }
        """;

    private static string GenerateGuarded(string body) => Generate(Helpers + $$"""
        public unsafe class User
        {
            public void Run(nint s, nint t, Helpers h, bool flag)
            {
                for (int i = 0; i < 2; i++)
                {
                    {{body}}
                }
            }
        }
        """);

    [TestCase("if (Native.Step(s) != 101) { h.Fail(\"INSERT\"); } Native.Reset(s);", TestName = "An if whose body calls a throw helper")]
    [TestCase("if (Native.Step(s) != 101) throw new InvalidOperationException(); Native.Reset(s);", TestName = "An if whose body throws")]
    [TestCase("if (Native.Step(s) == 0) { h.Release(); return; } Native.Reset(s);", TestName = "An if whose body returns")]
    [TestCase("if (Native.Step(s) < 0) { continue; } Native.Reset(s);", TestName = "An if whose body continues the loop")]
    [TestCase("if (Native.Step(s) < 0) { break; } Native.Reset(s);", TestName = "An if whose body leaves the loop")]
    [TestCase("if (Native.Step(s) != 101) Helpers.FailStatic(); Native.Reset(s);", TestName = "An expression-bodied static throw helper")]
    [TestCase("if (Native.Step(s) != 101) { Helpers.Annotated(); } Native.Reset(s);", TestName = "A DoesNotReturn helper")]
    [TestCase("if (i != Native.Step(s)) { h.Fail(\"x\"); } Native.Reset(s);", TestName = "The call on the right of the compare")]
    [TestCase("if (Native.Step(s) != 101 == flag) { h.Fail(\"x\"); } Native.Reset(s);", TestName = "Two built-in compares")]
    public void An_if_that_leaves_when_the_call_fails_carries_the_check(string body)
    {
        string g = GenerateGuarded(body);
        Assert.That(Full(g, "statement"), Is.EqualTo(1), "Step checks s; Reset runs only when the if's body did not\n" + g);
        Assert.That(Repeated(g, "statement"), Is.EqualTo(1), g);
    }

    [TestCase("if (Native.Step(s) != 101) { h.Release(); } Native.Reset(s);", TestName = "A body that completes")]
    [TestCase("if (Native.Step(s) != 101) { h.MayReturn(\"x\"); } Native.Reset(s);", TestName = "A helper that may return")]
    [TestCase("if (Native.Step(s) != 101) { h.EndsReachable(); } Native.Reset(s);", TestName = "A helper that catches its own throw")]
    [TestCase("if (Native.Step(s) != 101) { h.Virtual(); } Native.Reset(s);", TestName = "A virtual helper (an override may return)")]
    [TestCase("if (Native.Step(s) != 101) { h.Async(); } Native.Reset(s);", TestName = "An async helper (returns at its first await)")]
    [TestCase("if (Native.Step(s) != 101) { h.Iterator(); } Native.Reset(s);", TestName = "An iterator (runs nothing when called)")]
    [TestCase("if (Native.Step(s) != 101) { h.Fail(\"x\"); } else { h.Release(); } Native.Reset(s);", TestName = "An else branch")]
    [TestCase("if (flag && Native.Step(s) != 101) { h.Fail(\"x\"); } Native.Reset(s);", TestName = "A call that a short-circuit may skip")]
    [TestCase("if (Native.Step(s) != h.GetHashCode()) { h.Fail(\"x\"); } Native.Reset(s);", TestName = "A method call after the call in the condition")]
    [TestCase("if (Native.Step(s) != 101) { h.Fail(\"x\"); h.Release(); } Native.Reset(s);", TestName = "A helper that is not the body's last statement")]
    [TestCase("if (Native.Step(s) != 101) { s = t; throw new InvalidOperationException(); } Native.Reset(s);", TestName = "The variable written in the body")]
    public void An_if_that_may_fall_through_keeps_the_full_check(string body)
    {
        string g = GenerateGuarded(body);
        Assert.That(Repeated(g, "statement"), Is.Zero, g);
        Assert.That(Full(g, "statement"), Is.EqualTo(2), g);
    }

    [Test]
    public void The_chain_continues_through_repeated_checks()
    {
        string g = Generate("""
            public static class User
            {
                public static void Run(nint s)
                {
                    Native.Step(s);
                    Native.Step(s);
                    Native.Step(s);
                    Native.Step(s);
                }
            }
            """);
        Assert.That(Full(g, "statement"), Is.EqualTo(1), g);
        Assert.That(Repeated(g, "statement"), Is.EqualTo(3), g);
    }

    [Test]
    public void Full_wrappers_check_every_argument()
    {
        string g = Generate("""
            public static class User
            {
                public static void Run(nint s)
                {
                    Native.Step(s);
                    Native.Step(s);
                }
            }
            """, enabled: true);
        Assert.That(g, Does.Not.Contain("CheckRepeatedPointer"), "modes 1 and 2 builds (InteropGuardEnabled) skip nothing");
        Assert.That(Count(g, "CheckPointer((nint)statement"), Is.EqualTo(1), "one wrapper per P/Invoke, shared by both sites");
    }
}
