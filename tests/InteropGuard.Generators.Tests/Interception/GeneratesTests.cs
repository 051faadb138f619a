// GeneratesTests.cs: call sites the generator must intercept, one case per argument kind and declaration form; every output compilation must have no warnings or errors.
using System.Linq;
using InteropGuard.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Interception;

/// <summary>Cases that generate. Each asserts what the wrapper does with the argument and that the generated code
/// compiles cleanly together with the user's code (0 warnings, 0 errors).</summary>
public class GeneratesTests
{
    private const string Usings = "using System;\nusing System.Runtime.InteropServices;\nusing InteropGuard.Interception;\nnamespace App;\n";

    private static GeneratorRun Generate(params string[] sources)
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create(sources.Select(s => Usings + s)));
        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Is.Not.Null, "nothing was generated");
        return run;
    }

    [Test]
    public void DangerousGetHandle_argument_is_intercepted_too_and_watched_for_the_call()
    {
        GeneratorRun run = Generate("""
            public static unsafe class Native
            {
                [DllImport("x")] public static extern int Read(nint fd, void* buffer, nint count);
            }
            public static unsafe class User
            {
                public static int Direct(SafeHandle h, byte* b) => Native.Read(h.DangerousGetHandle(), b, 16);
                public static int Cast(SafeHandle h) => Native.Read(0, (void*)h.DangerousGetHandle(), 16);
                public static int Kept(SafeHandle h) { nint fd = h.DangerousGetHandle(); return Native.Read(fd, null, 0); }
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("internal static nint InterceptRaw0_0(this global::System.Runtime.InteropServices.SafeHandle __ig_handle) =>"));
        Assert.That(g, Does.Contain("GuardedCall.NoteRawHandle(__ig_handle, s_site0, \"fd\");"));
        Assert.That(g, Does.Contain("GuardedCall.NoteRawHandle(__ig_handle, s_site1, \"buffer\");"), "through a cast to void*");
        Assert.That(g, Does.Not.Contain("InterceptRaw2_"), "a raw value kept in a local is a plain number to the call");
        Assert.That(g, Does.Contain("global::InteropGuard.Interception.RawHandleCall? __ig_raw = global::InteropGuard.Interception.GuardedCall.TakeRawHandles(s_site0, 1);"));
        Assert.That(g, Does.Contain("GuardedCall.EndRawHandles(__ig_raw, __ig_returned, s_site0);"));
    }

    [Test]
    public void DllImport_nint_argument_gets_the_boundary_check()
    {
        GeneratorRun run = Generate("""
            public static class Native
            {
                [DllImport("x")] public static extern ulong Sum(nint p, nuint n);
            }
            public static class User
            {
                public static ulong Run(nint p) => Native.Sum(p, 16);
            }
            """);
        Assert.That(run.Generated, Does.Contain("GuardedCall.CheckPointer((nint)p, \"p\", __ig_site);"));
        Assert.That(run.Generated, Does.Contain("return global::App.Native.Sum(p, n);"));
        Assert.That(run.Generated, Does.Contain("if (!global::InteropGuard.Interception.GuardedCall.IsEnabled)"), "mode 0 must be the direct call");
        Assert.That(run.Generated, Does.Contain("new(\"User.Run\", \"/src/File0.cs\", 11, \"Native.Sum(nint p, nuint n)\")"), "site baked in: caller, file, line, target");
    }

    [Test]
    public void LibraryImport_in_a_partial_non_static_class_is_intercepted()
    {
        // The [LibraryImport] generator's implementation part is written by hand: the test compilation does not run it.
        GeneratorRun run = Generate("""
            public partial class Native
            {
                [LibraryImport("x")] public static partial void Free(IntPtr p);
                public static partial void Free(IntPtr p) { }
            }
            public static class User
            {
                public static void Run(IntPtr p) => Native.Free(p);
            }
            """);
        Assert.That(run.Generated, Does.Contain("GuardedCall.CheckPointer((nint)p, \"p\", __ig_site);"));
        Assert.That(run.Generated, Does.Contain("global::App.Native.Free(p);"));
    }

    [Test]
    public void Every_call_site_gets_its_own_site_and_shares_one_wrapper()
    {
        GeneratorRun run = Generate("""
            public static class Native
            {
                [DllImport("x")] public static extern void Free(nint p);
            }
            public static class User
            {
                public static void A(nint p) => Native.Free(p);
                public static void B(nint p)
                {
                    Native.Free(p);
                    Native.Free(p + 1);
                }
            }
            """);
        Assert.That(Count(run.Generated!, "[global::System.Runtime.CompilerServices.InterceptsLocation("), Is.EqualTo(3));
        Assert.That(Count(run.Generated!, "private static void Guarded"), Is.EqualTo(1));
        Assert.That(run.Generated, Does.Contain("\"User.A\", \"/src/File0.cs\", 11,"));
        Assert.That(run.Generated, Does.Contain("\"User.B\", \"/src/File0.cs\", 14,"));
        Assert.That(run.Generated, Does.Contain("\"User.B\", \"/src/File0.cs\", 15,"));
    }

    [Test]
    public void Private_PInvoke_is_called_through_an_UnsafeAccessor()
    {
        GeneratorRun run = Generate("""
            public static class Native
            {
                [DllImport("x")] private static extern void Free(nint p);
                public static void Run(nint p) => Free(p);
            }
            """);
        Assert.That(run.Generated, Does.Contain("UnsafeAccessorKind.StaticMethod, Name = \"Free\")]"));
        Assert.That(run.Generated, Does.Contain("[global::System.Runtime.CompilerServices.UnsafeAccessorType(\"App.Native, Consumer\")] object? __ig_type, nint p);"));
        Assert.That(run.Generated, Does.Contain("Call0(null, p);"));
    }

    [Test]
    public void Private_PInvoke_of_a_nested_type_names_it_with_a_plus()
    {
        GeneratorRun run = Generate("""
            public static class Outer
            {
                private static class Native
                {
                    [DllImport("x")] internal static extern void Free(nint p);
                }
                public static void Run(nint p) => Native.Free(p);
            }
            """);
        Assert.That(run.Generated, Does.Contain("UnsafeAccessorType(\"App.Outer+Native, Consumer\")"));
    }

    [Test]
    public void Ref_and_in_structs_check_their_pointer_fields_and_out_is_left_alone()
    {
        GeneratorRun run = Generate("""
            public unsafe struct Header { public byte* Data; public nint Handle; public int Length; private void* _cookie; public Inner Nested; }
            public unsafe struct Inner { public IntPtr Next; public int Flags; }
            public static class Native
            {
                [DllImport("x")] public static extern void Read(ref Header r, in Header i, out Header o, Header v);
            }
            public static class User
            {
                public static void Run(Header h)
                {
                    Header copy = h;
                    Native.Read(ref copy, in h, out Header o, h);
                }
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)r.Data, \"r.Data\", __ig_site);"));
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)r.Handle, \"r.Handle\", __ig_site);"));
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)r.Nested.Next, \"r.Nested.Next\", __ig_site);"), "one level of embedded structs");
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)i.Data, \"i.Data\", __ig_site);"));
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)v.Data, \"v.Data\", __ig_site);"), "by value: the fields reach native code too");
        Assert.That(g, Does.Contain("(ref global::System.Runtime.CompilerServices.Unsafe.AsRef(in i)), \"i._cookie\""), "private fields through an accessor");
        Assert.That(g, Does.Contain("UnsafeAccessorKind.Field, Name = \"_cookie\")]"));
        Assert.That(g, Does.Not.Contain("\"o."), "out: nothing flows in");
        Assert.That(g, Does.Not.Contain("Length\""), "non-pointer fields are not checked");
    }

    [Test]
    public void Struct_pointer_is_checked_over_the_struct_then_its_fields_when_tracked()
    {
        GeneratorRun run = Generate("""
            public unsafe struct Node { public Node* Next; public nint Payload; }
            public static unsafe class Native
            {
                [DllImport("x")] public static extern void Walk(Node* head, void* raw, delegate* unmanaged<int, void> fn);
            }
            public static unsafe class User
            {
                public static void Run(Node* n) => Native.Walk(n, n, null);
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("bool __ig_read_head = global::InteropGuard.Interception.GuardedCall.CheckStructPointer(head, sizeof(global::App.Node), \"head\", __ig_site);"));
        Assert.That(g, Does.Contain("if (__ig_read_head)"));
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)head->Next, \"head->Next\", __ig_site);"));
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)head->Payload, \"head->Payload\", __ig_site);"));
        Assert.That(g, Does.Contain("CheckPointer((void*)raw, \"raw\", __ig_site);"));
        Assert.That(g, Does.Contain("CheckPointer((void*)fn, \"fn\", __ig_site);"), "function pointers are pointers");
        Assert.That(g, Does.Contain("CheckPinnedArgument((nint)head, \"head\", __ig_site);"), "the struct pointer itself, into the GC heap");
        Assert.That(g, Does.Contain("CheckPinnedArgument((nint)raw, \"raw\", __ig_site);"), "a void* argument itself");
    }

    [Test]
    public void Nested_pointers_are_followed_one_level_with_the_paths_reports_name()
    {
        GeneratorRun run = Generate("""
            [StructLayout(LayoutKind.Explicit)] public unsafe struct Union { [FieldOffset(0)] public long Number; [FieldOffset(0)] public void* P; }
            public unsafe struct Big { public long A0, A1, A2, A3, A4, A5, A6, A7, A8; public void* Tail; }
            public static unsafe class Native
            {
                [DllImport("x")] public static extern void Slots(int** pp, byte** bp, nint* np, ref nint r, in nint i, ref byte* rb, out nint o);
                [DllImport("x")] public static extern void Argv(int argc, nint[] argv, int[] plain);
                [DllImport("x")] public static extern void Shapes(Union u, Big big);
            }
            public static unsafe class User
            {
                public static void Run(int** pp, byte** bp, nint* np, nint[] argv, Union u, Big big)
                {
                    nint r = 0; byte* rb = null;
                    Native.Slots(pp, bp, np, ref r, in r, ref rb, out nint o);
                    Native.Argv(argv.Length, argv, new int[1]);
                    Native.Shapes(u, big);
                }
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("CheckPointer((void*)pp, \"pp\", __ig_site);"), "the slot pointer itself");
        Assert.That(g, Does.Contain("CheckPointerSlot((void*)pp, \"*pp\", __ig_site);"), "int**: the word it points at");
        Assert.That(g, Does.Contain("CheckPointerSlot((void*)bp, \"*bp\", __ig_site);"));
        Assert.That(g, Does.Contain("CheckPointerSlot((void*)np, \"*np\", __ig_site);"), "nint*: a slot of pointer-sized words");
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)r, \"*r\", __ig_site);"), "ref nint: the value, nested");
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)i, \"*i\", __ig_site);"));
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)rb, \"*rb\", __ig_site);"), "ref byte*");
        Assert.That(g, Does.Not.Contain("\"*o\""), "out: nothing flows in");
        Assert.That(g, Does.Contain("CheckPinnedArgument((nint)pp, \"pp\", __ig_site);"), "the slot pointer itself, into the GC heap");
        Assert.That(g, Does.Not.Contain("CheckPinnedArgument((nint)r,"), "ref: the marshaller pins the reference itself");
        Assert.That(g, Does.Not.Contain("CheckPinnedArgument((nint)argv"), "arrays: pinned by the marshaller");
        Assert.That(g, Does.Contain("CheckNestedElements(argv, \"argv\", __ig_site);"), "nint[]: each element");
        Assert.That(g, Does.Not.Contain("CheckNestedElements(plain"), "int[] elements are numbers");
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)u.P, \"u.P\", __ig_site);"), "the union's pointer arm");
        Assert.That(g, Does.Not.Contain("u.Number"));
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)big.Tail, \"big.Tail\", __ig_site);"), "the void* at offset 72 of an 80-byte struct");

        // The elements are checked inside the call's own pin, right before the call.
        int pin = g.IndexOf("PinArgument(__ig_p_argv", System.StringComparison.Ordinal);
        int elements = g.IndexOf("CheckNestedElements(argv", System.StringComparison.Ordinal);
        int call = g.LastIndexOf("global::App.Native.Argv(argc, argv, plain)", System.StringComparison.Ordinal);
        Assert.That(pin, Is.LessThan(elements));
        Assert.That(elements, Is.LessThan(call));
    }

    [Test]
    public void Without_unsafe_code_only_pointer_sized_nested_values_are_checked()
    {
        GeneratorRun run = InterceptorCompilation.Run(InterceptorCompilation.Create(new[] { Usings + """
            public struct Box { public nint Data; public int Length; }
            public static class Native
            {
                [DllImport("x")] public static extern void Use(Box b, ref nint r);
            }
            public static class User
            {
                public static void Run(Box b) { nint r = 0; Native.Use(b, ref r); }
            }
            """ }, allowUnsafe: false));
        Assert.That(run.Problems, Is.Empty, run.Describe());
        string g = run.Generated!;
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)b.Data, \"b.Data\", __ig_site);"));
        Assert.That(g, Does.Contain("CheckNestedPointer((nint)r, \"*r\", __ig_site);"));
    }

    [Test]
    public void Blittable_arrays_become_call_scoped_pins_released_after_the_call()
    {
        GeneratorRun run = Generate("""
            public struct Pixel { public byte R, G, B, A; }
            public static class Native
            {
                [DllImport("x")] public static extern int Copy(byte[] a, Pixel[] p, bool[] flags, string[] names);
            }
            public static class User
            {
                public static int Run() => Native.Copy(new byte[4], new Pixel[2], new bool[1], new string[1]);
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("fixed (byte* __ig_p_a = a)"));
        Assert.That(g, Does.Contain("fixed (global::App.Pixel* __ig_p_p = p)"));
        Assert.That(g, Does.Contain("PinArgument(__ig_p_a, __ig_p_a == null ? 0 : (nint)a!.Length * sizeof(byte), __ig_site);"));
        Assert.That(g, Does.Contain("ReleaseArgument(__ig_pin_a, __ig_site);"));
        Assert.That(g.IndexOf("finally", System.StringComparison.Ordinal), Is.LessThan(g.IndexOf("ReleaseArgument(__ig_pin_a", System.StringComparison.Ordinal)), "released in a finally");
        Assert.That(g, Does.Not.Contain("__ig_p_flags"), "bool[] is copied by the marshaller, not pinned");
        Assert.That(g, Does.Not.Contain("__ig_p_names"), "string[] is copied");
    }

    [Test]
    public void Spans_of_a_LibraryImport_become_call_scoped_pins()
    {
        GeneratorRun run = Generate("""
            public static partial class Native
            {
                [LibraryImport("x")] public static partial int Hash(ReadOnlySpan<byte> data, Span<int> output);
                public static partial int Hash(ReadOnlySpan<byte> data, Span<int> output) => 0;
            }
            public static class User
            {
                public static int Run(byte[] a, int[] b) => Native.Hash(a, b);
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("fixed (byte* __ig_p_data = data)"));
        Assert.That(g, Does.Contain("fixed (int* __ig_p_output = output)"));
        Assert.That(g, Does.Contain("PinArgument(__ig_p_output, (nint)output.Length * sizeof(int), __ig_site);"));
    }

    [Test]
    public void Only_strings_marshalled_as_UTF16_are_pinned()
    {
        GeneratorRun run = Generate("""
            public static partial class Native
            {
                [DllImport("x", CharSet = CharSet.Unicode)] public static extern void Wide(string a, [MarshalAs(UnmanagedType.LPUTF8Str)] string b);
                [DllImport("x")] public static extern void Narrow(string c, [MarshalAs(UnmanagedType.LPWStr)] string d);
                [LibraryImport("x", StringMarshalling = StringMarshalling.Utf16)] public static partial void Lib16(string e);
                public static partial void Lib16(string e) { }
                [LibraryImport("x", StringMarshalling = StringMarshalling.Utf8)] public static partial void Lib8(string f, nint g);
                public static partial void Lib8(string f, nint g) { }
            }
            public static class User
            {
                public static void Run()
                {
                    Native.Wide("a", "b");
                    Native.Narrow("c", "d");
                    Native.Lib16("e");
                    Native.Lib8("f", 0);
                }
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("fixed (char* __ig_p_a = a)"));
        Assert.That(g, Does.Contain("PinArgument(__ig_p_a, __ig_p_a == null ? 0 : ((nint)a!.Length + 1) * sizeof(char), __ig_site);"), "the NUL terminator is part of the pin");
        Assert.That(g, Does.Not.Contain("__ig_p_b "), "UTF-8 copy");
        Assert.That(g, Does.Not.Contain("__ig_p_c "), "default (UTF-8/ANSI) copy");
        Assert.That(g, Does.Contain("fixed (char* __ig_p_d = d)"), "[MarshalAs(LPWStr)]");
        Assert.That(g, Does.Contain("fixed (char* __ig_p_e = e)"), "StringMarshalling.Utf16");
        Assert.That(g, Does.Not.Contain("__ig_p_f "), "StringMarshalling.Utf8");
    }

    [Test]
    public void Delegates_used_during_the_call_are_call_scoped_callbacks()
    {
        GeneratorRun run = Generate("""
            public delegate int Compare(nint a, nint b);
            public static class Native
            {
                [DllImport("libc", EntryPoint = "qsort")] public static extern void Sort(nint items, nuint count, nuint size, Compare? compare);
            }
            public static class User
            {
                public static void Run(nint p) => Native.Sort(p, 4, 8, (a, b) => 0);
            }
            """);
        string g = run.Generated ?? "";
        Assert.That(g, Does.Contain("ulong __ig_cb_compare = global::InteropGuard.Interception.GuardedCall.EnterCallback(compare, __ig_site, 0);"), g);
        Assert.That(g, Does.Contain("finally"), g);
        Assert.That(g, Does.Contain("global::InteropGuard.Interception.GuardedCall.ExitCallback(__ig_cb_compare, __ig_site);"), g);
        Assert.That(g, Does.Not.Contain("TrackCallback"), "not a retained callback: " + g);
    }

    [Test]
    public void Delegates_native_code_keeps_are_retained_callbacks()
    {
        GeneratorRun run = Generate("""
            public delegate void Progress(int percent);
            public delegate void Log(int level);
            public static class Native
            {
                [DllImport("x")] public static extern void Start([InteropGuard.RetainedByNative] Progress? progress, Log? log);
                [DllImport("x")] public static extern void codec_set_log_callback(Log? log);
            }
            public static class User
            {
                public static void Run()
                {
                    Native.Start(p => { }, l => { });
                    Native.codec_set_log_callback(l => { });
                }
            }
            """);
        string g = run.Generated ?? "";
        Assert.That(g, Does.Contain("GuardedCall.TrackCallback(progress, __ig_site);"), "[RetainedByNative]: " + g);
        Assert.That(g, Does.Contain("GuardedCall.EnterCallback(log, __ig_site, 1);"), "the second delegate parameter has slot 1: " + g);
        Assert.That(g, Does.Contain("GuardedCall.TrackCallback(log, __ig_site);"), "a registration by its name: " + g);
    }

    [Test]
    public void SafeHandles_are_watched_around_the_call()
    {
        GeneratorRun run = Generate("""
            public static class Native
            {
                [DllImport("libc", EntryPoint = "read")] public static extern nint Read(Microsoft.Win32.SafeHandles.SafeFileHandle fd, byte[] buffer, nint count);
            }
            public static class User
            {
                public static nint Run(Microsoft.Win32.SafeHandles.SafeFileHandle h, byte[] b) => Native.Read(h, b, b.Length);
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("bool __ig_open_fd = global::InteropGuard.Interception.GuardedCall.EnterHandle(fd);"));
        Assert.That(g, Does.Contain("ExitHandle(fd, __ig_open_fd, \"fd\", __ig_site);"));
        Assert.That(g.IndexOf("ExitHandle", System.StringComparison.Ordinal), Is.GreaterThan(g.IndexOf("__ig_result = global::App.Native.Read(", System.StringComparison.Ordinal)), "after the call");
    }

    [Test]
    public void PInvokes_declared_in_a_referenced_assembly_are_intercepted()
    {
        CSharpCompilationHelper other = new("""
            using System.Runtime.InteropServices;
            namespace Lib;
            public static partial class NativeLib
            {
                [DllImport("x")] public static extern void Free(System.IntPtr p);
                [LibraryImport("x")] public static partial void Release(nint p);
                public static partial void Release(nint p) { }
            }
            """);
        var consumer = InterceptorCompilation.Create(["""
            namespace App;
            public static class User
            {
                public static void Run(nint p)
                {
                    Lib.NativeLib.Free(p);
                    Lib.NativeLib.Release(p);
                }
            }
            """], extraReferences: [other.Reference]);
        GeneratorRun run = InterceptorCompilation.Run(consumer);
        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Does.Contain("global::Lib.NativeLib.Free(p);"));
        Assert.That(run.Generated, Does.Contain("global::Lib.NativeLib.Release(p);"), "[LibraryImport] survives in metadata");
    }

    [Test]
    public void Callers_are_named_as_reports_name_them()
    {
        GeneratorRun run = Generate("""
            public static class Native
            {
                [DllImport("x")] public static extern void Free(nint p);
            }
            public class User
            {
                public nint Handle { get { Native.Free(1); return 0; } }
                public User() { Native.Free(2); }
                public void Run()
                {
                    Action a = () => Native.Free(3);
                    Local();
                    void Local() => Native.Free(4);
                }
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("new(\"User.Handle\","));
        Assert.That(g, Does.Contain("new(\"User..ctor\","));
        Assert.That(g, Does.Contain("new(\"User.Run\","), "a lambda counts as its method");
        Assert.That(g, Does.Contain("new(\"User.Local\","), "a local function by its own name");
    }

    [Test]
    public void Top_level_statements_are_named_Program_Main()
    {
        var compilation = InterceptorCompilation.Create(["""
            using System.Runtime.InteropServices;
            Native.Free(1);
            static class Native
            {
                [DllImport("x")] public static extern void Free(nint p);
            }
            """], kind: OutputKind.ConsoleApplication);
        GeneratorRun run = InterceptorCompilation.Run(compilation);
        Assert.That(run.Problems, Is.Empty, run.Describe());
        Assert.That(run.Generated, Does.Contain("new(\"Program.Main\", \"/src/File0.cs\", 2,"));
    }

    [Test]
    public void Without_unsafe_code_the_nint_checks_remain_and_nothing_is_pinned()
    {
        var compilation = InterceptorCompilation.Create([Usings + """
            public static class Native
            {
                [DllImport("x")] public static extern void Send(nint p, byte[] data);
                [DllImport("x")] public static extern void Copy(byte[] data);
            }
            public static class User
            {
                public static void Run(nint p, byte[] d)
                {
                    Native.Send(p, d);
                    Native.Copy(d);
                }
            }
            """], allowUnsafe: false);
        GeneratorRun run = InterceptorCompilation.Run(compilation);
        Assert.That(run.Problems.Select(d => d.Id), Is.EqualTo(new[] { "IG1102" }), run.Describe());
        Assert.That(run.Problems[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.StartWith("2 call site(s), this one first (Native.Send(nint p, byte[] data))"));
        Assert.That(run.Problems[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), Does.Contain("<AllowUnsafeBlocks>true</AllowUnsafeBlocks>"));
        Assert.That(run.Generated, Does.Contain("file static class InteropGuardInterceptors"), "no unsafe modifier");
        Assert.That(run.Generated, Does.Contain("CheckPointer((nint)p, \"p\", __ig_site);"));
        Assert.That(run.Generated, Does.Not.Contain("fixed"));
        Assert.That(run.Generated, Does.Not.Contain("Native.Copy(data)"), "a call with nothing to check is not intercepted");
    }

    [Test]
    public void Keyword_parameter_names_and_ref_kinds_round_trip()
    {
        GeneratorRun run = Generate("""
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
        Assert.That(g, Does.Contain("CheckPointer((nint)@object, \"object\", __ig_site);"));
        Assert.That(g, Does.Contain("global::App.Native.Get(@object, ref @ref, out @out, @params)"));
    }

    [Test]
    public void Parameter_names_the_generated_class_uses_are_renamed_in_the_wrapper()
    {
        GeneratorRun run = Generate("""
            public static class Native
            {
                [DllImport("x")] public static extern int Get(nint s_site0, byte[] __ig_site, nint Guarded0, nint Call0, nint __ig_user_s_site0, out int __ig_result);
            }
            public static class User
            {
                public static int Run(nint o, byte[] data) => Native.Get(o, data, o, o, o, out int r) + r;
            }
            """);
        string g = run.Generated!;
        Assert.That(g, Does.Contain("Guarded0(s_site0, __ig_user_s_site0, __ig_user___ig_site, __ig_user_Guarded0, __ig_user_Call0, __ig_user___ig_user_s_site0, out __ig_user___ig_result)"),
            "the site field and the wrapper are not shadowed, and every renamed parameter stays distinct\n" + g);
        Assert.That(g, Does.Contain("CheckPointer((nint)__ig_user_s_site0, \"s_site0\", __ig_site);"), "reports name the parameter as declared");
    }

    private static int Count(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, System.StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, System.StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>A second assembly compiled in memory, referenced by metadata.</summary>
    private sealed class CSharpCompilationHelper(string source)
    {
        public MetadataReference Reference { get; } =
            InterceptorCompilation.EmitReference(InterceptorCompilation.Create([source], assemblyName: "OtherLib"));
    }
}
