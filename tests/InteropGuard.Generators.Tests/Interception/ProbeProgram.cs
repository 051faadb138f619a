// ProbeProgram.cs: the source of the small program the runtime tests compile with the generator against InteropGuard.dll and run as a child process; each scenario is one bug or its fix, reached through plain [DllImport]s.
namespace InteropGuard.Generators.Tests.Interception;

/// <summary>The probe's source text. Lines marked <c>// CALL:name</c> are the calls reports must name.</summary>
internal static class ProbeProgram
{
    public const string Source = """
        // Program.cs: an InteropGuard-unaware program: plain [DllImport]s into libigtestnative, no InteropGuard calls on the paths under test.
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using System.Threading;
        using InteropGuard;
        using Microsoft.Win32.SafeHandles;

        namespace Probe;

        public delegate void Callback(int x);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        public delegate int IntCallback(int x);

        public struct Holder
        {
            public nint Data;
            public int Length;
        }

        internal static unsafe class TestNative
        {
            private const string Lib = "igtestnative";
            [DllImport(Lib, EntryPoint = "ig_test_alloc")] public static extern nint Alloc(nuint n);
            [DllImport(Lib, EntryPoint = "ig_test_free")] public static extern void Free(nint p);
            [DllImport(Lib, EntryPoint = "ig_test_sum")] public static extern ulong Sum(nint p, nuint n);
            [DllImport(Lib, EntryPoint = "ig_test_keep_pointer")] public static extern void KeepPointer(nint p);
            [DllImport(Lib, EntryPoint = "ig_test_keep_pointer")] public static extern void KeepArray(byte[] a);
            [DllImport(Lib, EntryPoint = "ig_test_keep_pointer")] public static extern void KeepCallback(Callback cb);
            [DllImport(Lib, EntryPoint = "ig_test_keep_pointer")] public static extern void KeepRetained([RetainedByNative] Callback cb);
            [DllImport(Lib, EntryPoint = "ig_test_call")] public static extern int CallNow(IntCallback cb, int x);
            [DllImport(Lib, EntryPoint = "ig_test_keep_pointer")] public static extern void KeepHolder(ref Holder h);
            [DllImport(Lib, EntryPoint = "ig_test_keep_pointer")] public static extern void KeepHolderPointer(Holder* h);
            [DllImport(Lib, EntryPoint = "ig_test_kept_pointer")] public static extern nint KeptPointer();
            [DllImport(Lib, EntryPoint = "ig_test_sum")] private static extern ulong SumPrivate(nint p, nuint n);

            public static ulong CallPrivate(nint p) => SumPrivate(p, 16); // CALL:private
        }

        internal static unsafe class Libc
        {
            [DllImport("libc", EntryPoint = "read")] public static extern nint Read(SafeFileHandle fd, byte* buffer, nint count);
            [DllImport("libc", EntryPoint = "write")] public static extern nint Write(int fd, byte* buffer, nint count);
            [DllImport("libc", EntryPoint = "pipe")] public static extern int Pipe(int* fds);
        }

        [StructLayout(LayoutKind.Sequential)]
        internal struct IgRange
        {
            public ulong Id, Start, Size, AllocSeq, ReleaseSeq, AllocTimeNs, ReleaseTimeNs, UserTag;
            public uint Kind, State, Flags, AllocSite, ReleaseSite, AllocTid, ReleaseTid;
            public ushort RedzoneLeft, RedzoneRight;
        }

        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct IgSite
        {
            public uint Id, Line;
            public fixed byte Function[120];
            public fixed byte File[128];
        }

        /// <summary>Reads the shadow table to show what the wrappers recorded; not itself checked.</summary>
        [InteropGuard.Interception.NotIntercepted]
        internal static unsafe class Shadow
        {
            [DllImport("libinteropguard", EntryPoint = "ig_lookup")] public static extern uint Lookup(nint address, nuint length, IgRange* range);
            [DllImport("libinteropguard", EntryPoint = "ig_site_get")] public static extern int SiteGet(uint id, IgSite* site);
            [DllImport("libinteropguard", EntryPoint = "ig_get_stats")] public static extern void GetStats(ulong* stats);

            public static ulong LiveRanges()
            {
                ulong* stats = stackalloc ulong[9];
                GetStats(stats);
                return stats[4]; // ig_stats_t.live_ranges
            }

            public static string Describe(nint address)
            {
                IgRange r;
                if (Lookup(address, 1, &r) == 0) return "unknown";
                return $"kind={r.Kind} state={r.State} flags={r.Flags} alloc={Site(r.AllocSite)} release={Site(r.ReleaseSite)}";
            }

            private static string Site(uint id)
            {
                IgSite s;
                if (SiteGet(id, &s) != 0) return "none";
                return Marshal.PtrToStringUTF8((nint)s.Function) + "@" + System.IO.Path.GetFileName(Marshal.PtrToStringUTF8((nint)s.File)) + ":" + s.Line;
            }
        }

        // Main is the shared harness (Harness.cs); this half holds the scenarios.
        public static unsafe partial class Program
        {
            private static void Run(string scenario)
            {
                switch (scenario)
                {
                    case "uaf": UseAfterFree(); break;
                    case "uaf-fixed": UseBeforeFree(); break;
                    case "private-uaf": PrivateUseAfterFree(); break;
                    case "array-pin": ArrayPin(); break;
                    case "callback": CollectedCallback(keepAlive: false); break;
                    case "callback-alive": CollectedCallback(keepAlive: true); break;
                    case "retained-callback": CollectedRetainedCallback(keepAlive: false); break;
                    case "retained-callback-alive": CollectedRetainedCallback(keepAlive: true); break;
                    case "callback-loop": CallbackLoop(); break;
                    case "struct-field": StructField(freed: true); break;
                    case "struct-field-ok": StructField(freed: false); break;
                    case "struct-pointer": StructPointer(freed: true); break;
                    case "struct-pointer-ok": StructPointer(freed: false); break;
                    case "handle": HandleDisposedDuringCall(dispose: true); break;
                    case "handle-ok": HandleDisposedDuringCall(dispose: false); break;
                    default: throw new ArgumentException("unknown scenario " + scenario);
                }
            }

            private static void UseAfterFree()
            {
                nint p = TestNative.Alloc(16);
                TestNative.Free(p);
                Console.WriteLine("sum=" + TestNative.Sum(p, 16)); // CALL:uaf
            }

            private static void UseBeforeFree()
            {
                nint p = TestNative.Alloc(16);
                Console.WriteLine("sum=" + TestNative.Sum(p, 16)); // CALL:uaf-fixed
                TestNative.Free(p);
            }

            private static void PrivateUseAfterFree()
            {
                nint p = TestNative.Alloc(16);
                TestNative.Free(p);
                Console.WriteLine("sum=" + TestNative.CallPrivate(p));
            }

            private static void ArrayPin()
            {
                byte[] data = new byte[32];
                TestNative.KeepArray(data); // CALL:array-pin
                nint kept = TestNative.KeptPointer();
                Console.WriteLine("pin " + Shadow.Describe(kept));
                TestNative.KeepPointer(kept); // CALL:array-pin-reuse
                GC.KeepAlive(data);
            }

            private static void CollectedCallback(bool keepAlive)
            {
                ulong before = Shadow.LiveRanges();
                Callback cb = MakeAndHandOver();
                Console.WriteLine("live ranges added by the call " + (Shadow.LiveRanges() - before));
                if (!keepAlive) cb = null!;
                for (int i = 0; i < 3; i++)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }

                nint kept = TestNative.KeptPointer();
                Console.WriteLine("callback " + Shadow.Describe(kept));
                TestNative.KeepPointer(kept); // CALL:callback-use
                GC.KeepAlive(cb);
            }

            [MethodImpl(MethodImplOptions.NoInlining)]
            private static Callback MakeAndHandOver()
            {
                int seed = Environment.TickCount;
                Callback cb = x => Console.WriteLine(x + seed); // captures: a new delegate, not a cached static one
                TestNative.KeepCallback(cb); // CALL:callback-keep
                return cb;
            }

            private static void CollectedRetainedCallback(bool keepAlive)
            {
                Callback cb = MakeAndRegister();
                ulong before = Shadow.LiveRanges();
                TestNative.KeepRetained(cb); // the same delegate again: registered once
                Console.WriteLine("second registration added " + (Shadow.LiveRanges() - before) + " ranges");
                if (!keepAlive) cb = null!;
                for (int i = 0; i < 3; i++)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }

                nint kept = TestNative.KeptPointer();
                Console.WriteLine("callback " + Shadow.Describe(kept));
                TestNative.KeepPointer(kept); // CALL:retained-use
                GC.KeepAlive(cb);
            }

            [MethodImpl(MethodImplOptions.NoInlining)]
            private static Callback MakeAndRegister()
            {
                int seed = Environment.TickCount;
                Callback cb = x => Console.WriteLine(x + seed);
                TestNative.KeepRetained(cb); // CALL:retained-keep
                return cb;
            }

            // The qsort pattern: a fresh delegate per call, used by native code only during the call, forced GCs between.
            private static void CallbackLoop()
            {
                ulong before = Shadow.LiveRanges();
                long sum = 0;
                for (int i = 0; i < 20000; i++)
                {
                    int seed = i;
                    sum += TestNative.CallNow(x => x + seed, 1); // CALL:callback-loop
                    if (i % 1000 == 0) GC.Collect();
                }

                GC.Collect();
                GC.WaitForPendingFinalizers();
                Console.WriteLine("sum=" + sum + " live ranges added " + (Shadow.LiveRanges() - before));
            }

            private static void StructField(bool freed)
            {
                nint p = TestNative.Alloc(16);
                if (freed) TestNative.Free(p);
                var h = new Holder { Data = p, Length = 16 };
                TestNative.KeepHolder(ref h); // CALL:struct-field
            }

            private static void StructPointer(bool freed)
            {
                nint p = TestNative.Alloc(16);
                if (freed) TestNative.Free(p);
                using NativeBuffer block = NativeBuffer.Allocate(sizeof(Holder));
                Holder* h = (Holder*)block.Pointer;
                *h = new Holder { Data = p, Length = 16 };
                TestNative.KeepHolderPointer(h); // CALL:struct-pointer
            }

            private static void HandleDisposedDuringCall(bool dispose)
            {
                int* fds = stackalloc int[2];
                if (Libc.Pipe(fds) != 0) throw new InvalidOperationException("pipe failed");
                var readEnd = new SafeFileHandle(fds[0], ownsHandle: true);
                int writeEnd = fds[1];
                var closer = new Thread(() =>
                {
                    Thread.Sleep(500); // the main thread is blocked in read() by now
                    if (dispose) readEnd.Dispose();
                    byte one = 1;
                    Libc.Write(writeEnd, &one, 1);
                });
                closer.Start();
                byte buffer;
                nint n;
                try
                {
                    n = Libc.Read(readEnd, &buffer, 1); // CALL:handle
                }
                finally
                {
                    closer.Join();
                }

                Console.WriteLine("read=" + n + " closed=" + readEnd.IsClosed);
            }
        }
        """;
}
