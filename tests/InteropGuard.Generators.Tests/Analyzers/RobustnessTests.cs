// RobustnessTests.cs: every IG1xxx analyzer over many code shapes (constructors, accessors, top-level code, async, iterators, local functions, initializers) must not throw.
using System.Linq;
using InteropGuard.Generators.Analyzers;
using InteropGuard.Generators.Tests.Analyzers.Support;
using Microsoft.CodeAnalysis.Diagnostics;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Analyzers;

[TestFixture]
public sealed class RobustnessTests
{
    private const string Shapes = """
        using System.Threading.Tasks;

        GCHandle top = GCHandle.Alloc(new object());
        top.Free();
        var pooled = ArrayPool<int>.Shared.Rent(2);
        ArrayPool<int>.Shared.Return(pooled);
        Shapes.Native.use(0);

        delegate void Cb(int x);

        unsafe partial class Shapes
        {
            public static class Native
            {
                [DllImport("n")] public static extern void use(nint p);
                [DllImport("n")] public static extern void set_callback(Cb cb);
                [DllImport("n")] public static extern void take(void* p);
            }

            private readonly Func<int> _init = () => { var h = GCHandle.Alloc(1); h.Free(); return ArrayPool<byte>.Shared.Rent(1).Length; };
            private static readonly Cb s_cb = x => { };
            private int _f;
            private GCHandle _h = GCHandle.Alloc(new object());
            private nint _p;

            public Shapes() : this(GCHandle.Alloc(2)) { }
            public Shapes(GCHandle h) { _h = h; fixed (int* p = &_f) { Native.take(p); } }
            ~Shapes() { if (_h.IsAllocated) _h.Free(); }

            public int Prop => ArrayPool<int>.Shared.Rent(1)[0];
            public nint Accessor
            {
                get { var h = GCHandle.Alloc(this); try { return 0; } finally { h.Free(); } }
                set { var a = ArrayPool<byte>.Shared.Rent(1); ArrayPool<byte>.Shared.Return(a); _p = value; }
            }

            public int this[int i] => i;

            public static Shapes operator +(Shapes a, Shapes b) { var h = GCHandle.Alloc(a); h.Free(); return b; }

            public int Locals(int n)
            {
                int Local(int k) { var h = GCHandle.Alloc(k); if (k > 0) { h.Free(); return k; } h.Free(); return 0; }
                static int Static(byte[] b) { ArrayPool<byte>.Shared.Return(b); return b?.Length ?? 0; }
                Func<int, int> f = k => { var h = GCHandle.Alloc(k); h.Free(); return k; };
                return Local(n) + f(n) + Static(new byte[1]);
            }

            public int Flow(int n, object o)
            {
                var h = GCHandle.Alloc(o, GCHandleType.Pinned);
                try
                {
                    switch (n)
                    {
                        case 0: return 0;
                        case 1 when o is string s: return s.Length;
                        default:
                            while (n-- > 0)
                            {
                                try { if (n == 3) break; if (n == 5) continue; Native.use(h.AddrOfPinnedObject()); }
                                catch (InvalidOperationException e) when (e.Message.Length > 0) { throw; }
                                catch { return -1; }
                                finally { _f++; }
                            }
                            break;
                    }
                    goto done;
                done:
                    return n switch { 1 => 1, _ => o?.GetHashCode() ?? 0 };
                }
                finally
                {
                    if (h.IsAllocated)
                        h.Free();
                }
            }

            public void Callbacks(Cb maybe)
            {
                Native.set_callback(maybe ?? s_cb);
                Cb local = null;
                local ??= x => { };
                Native.set_callback(n() ? local : s_cb);
                nint fp = Marshal.GetFunctionPointerForDelegate(local);
                static bool n() => true;
            }

            public void Pointers(byte[] a, Span<byte> span)
            {
                fixed (byte* p = a, q = span)
                {
                    byte* r = p == null ? q : p;
                    Native.take(r);
                    Native.use((nint)(&r));
                }
                ref byte first = ref MemoryMarshal.GetReference(span);
                Native.take(Unsafe.AsPointer(ref first));
                Native.take(Unsafe.AsPointer(ref Unsafe.NullRef<int>()));
                Native.take(Unsafe.AsPointer(ref *(int*)Unsafe.AsPointer(ref a[0])));
            }
        }

        partial class Shapes
        {
        public async Task<int> Async()
                {
                    var a = ArrayPool<byte>.Shared.Rent(4);
                    await Task.Yield();
                    ArrayPool<byte>.Shared.Return(a);
                    var h = GCHandle.Alloc(a);
                    await Task.Delay(1);
                    h.Free();
                    return 1;
                }

                public IEnumerable<int> Iterator()
                {
                    var a = ArrayPool<int>.Shared.Rent(4);
                    yield return a[0];
                    ArrayPool<int>.Shared.Return(a);
                    yield break;
                }
        }

        record struct Rec(int X) { public int Y { get; init; } = ArrayPool<int>.Shared.Rent(1).Length; }

        class Primary(byte[] data)
        {
            private readonly GCHandle _pin = GCHandle.Alloc(data, GCHandleType.Pinned);
            public void Release() => _pin.Free();
        }
        """;

    private static readonly DiagnosticAnalyzer[] Analyzers =
    {
        new PointerOutlivesPinAnalyzer(), new UnpinnedAddressToNativeAnalyzer(), new DelegateNotKeptAliveAnalyzer(),
        new GCHandleLifetimeAnalyzer(), new DangerousHandleAnalyzer(), new PooledArrayUseAfterReturnAnalyzer(),
    };

    [TestCaseSource(nameof(Analyzers))]
    public void Survives_ManyCodeShapes(DiagnosticAnalyzer analyzer)
    {
        // Run fails the test on a compile error in the source or an AD0001 (analyzer exception).
        var diagnostics = AnalyzerVerifier.Run(analyzer, Shapes, OutputKindOverride.Exe);
        Assert.That(diagnostics.Select(d => d.Id).Distinct(), Is.SubsetOf(analyzer.SupportedDiagnostics.Select(d => d.Id)));
    }

    [Test]
    public void Finds_TheKnownBugsInTheShapes()
    {
        var ids = Analyzers.SelectMany(a => AnalyzerVerifier.Run(a, Shapes, OutputKindOverride.Exe))
            .Select(d => $"{d.Id}@{d.Location.GetLineSpan().StartLinePosition.Line + 1}")
            .OrderBy(s => s, System.StringComparer.Ordinal)
            .ToArray();
        // The real findings in the blob: Callbacks registers a lambda held only in a local and takes a function pointer
        // of it (IG1003 twice); Async uses the array after returning it (IG1007). Everything else is correct code:
        // b?.Length after Return, the try/catch-when/finally maze in Flow, the iterator, the field-held delegates.
        Assert.That(ids, Is.EquivalentTo(new[] { "IG1003@84", "IG1003@85", "IG1007@111" }), string.Join(", ", ids));
    }
}
