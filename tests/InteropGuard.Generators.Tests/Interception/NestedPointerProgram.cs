// NestedPointerProgram.cs: the source of the probe program for nested pointers (ported from the shapes of Go's cgo pointer test table): each bug passes a pointer into an unpinned managed object inside an argument, each twin the nearest correct code.
namespace InteropGuard.Generators.Tests.Interception;

/// <summary>The probe's source text. Lines marked <c>// CALL:name</c> are the calls reports must name. Every native
/// function is <c>ig_test_reset</c>, which ignores its arguments: what is checked is what reaches the call.</summary>
internal static class NestedPointerProgram
{
    public const string Source = """
        // Program.cs: an InteropGuard-unaware program whose P/Invoke arguments hold pointers to managed memory, pinned or not.
        using System;
        using System.Runtime.CompilerServices;
        using System.Runtime.InteropServices;
        using System.Threading;
        using InteropGuard;

        namespace Probe;

        public unsafe struct Box { public int* Data; public int Length; }
        public struct Handles { public nint Data; public long Number; }
        public unsafe struct Mid { public int X; public Box Inner; }
        [StructLayout(LayoutKind.Explicit)] public unsafe struct Union { [FieldOffset(0)] public long Number; [FieldOffset(0)] public void* P; }
        public unsafe struct Big { public long A0, A1, A2, A3, A4, A5, A6, A7, A8; public void* Tail; }
        public sealed class BoxHolder { public Box B; }
        public sealed class MidHolder { public Mid M; }
        public sealed unsafe class PointerHolder { public int* P; }

        // An ordinary SafeHandle over native memory its finalizer frees.
        public sealed class BufferHandle : SafeHandle
        {
            public BufferHandle() : base(0, ownsHandle: true) => SetHandle(Native.Alloc(64));
            public override bool IsInvalid => handle == 0;
            protected override bool ReleaseHandle()
            {
                Native.Free(handle);
                return true;
            }
        }

        internal static unsafe class Native
        {
            private const string Lib = "igtestnative";
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseBox(Box* b);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseBoxRef(ref Box b);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseHandles(Handles h);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseSlot(int** pp);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseByteSlot(byte** pp);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseRef(ref nint r);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseArgv(int argc, nint[] argv);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseUnion(Union u);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseBig(Big big);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseInts(int* p);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseAddress(nint p);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseVoid(void* p);
            [DllImport(Lib, EntryPoint = "ig_test_reset")] public static extern void UseArrayAndAddress(byte[] a, nint p);
            [DllImport(Lib, EntryPoint = "ig_test_alloc")] public static extern nint Alloc(nuint n);
            [DllImport(Lib, EntryPoint = "ig_test_free")] public static extern void Free(nint p);
            [DllImport(Lib, EntryPoint = "ig_test_block_holding")] public static extern void BlockHolding(nint p);
            [DllImport(Lib, EntryPoint = "ig_test_block_holding")] public static extern void BlockHoldingHandle(BufferHandle p);
            [DllImport(Lib, EntryPoint = "ig_test_wait_blocked")] public static extern void WaitBlocked();
            [DllImport(Lib, EntryPoint = "ig_test_release_blocked")] public static extern void ReleaseBlocked();
        }

        // Main is the shared harness (Harness.cs); this half holds the scenarios.
        public static unsafe partial class Program
        {
            private static byte[] s_static = new byte[64];
            private static ReadOnlySpan<byte> Rva => [1, 2, 3, 4, 5, 6, 7, 8];

            private static void Run(string scenario)
            {
                bool bug = !scenario.EndsWith("-ok", StringComparison.Ordinal);
                switch (scenario.Replace("-ok", "", StringComparison.Ordinal))
                {
                    case "stack-struct": StackStruct(bug); break;
                    case "ref-heap-field": RefHeapField(bug); break;
                    case "slot-of-fixed-object": SlotOfFixedObject(bug); break;
                    case "ref-element": RefElement(bug); break;
                    case "array-elements": ArrayElements(bug); break;
                    case "static-byte-slot": StaticByteSlot(bug); break;
                    case "union": UnionArm(bug); break;
                    case "big-struct": BigStruct(bug); break;
                    case "argv-strings": ArgvStrings(bug); break;
                    case "struct-in-object": StructInObject(bug); break;
                    case "inner-struct-ref": InnerStructRef(bug); break;
                    case "integer-field": IntegerField(); break;
                    case "top-pointer": TopPointer(bug); break;
                    case "top-nint": TopNint(bug); break;
                    case "top-void": TopVoid(bug); break;
                    case "top-literal": TopLiteral(); break;
                    case "top-own-pin": TopOwnPin(); break;
                    case "top-native": TopNative(); break;
                    case "dangerous-handle": DangerousHandle(bug); break;
                    case "dangerous-handle-keepalive": DangerousHandleKeepAlive(); break;
                    case "dangerous-handle-safehandle": DangerousHandleSafeHandle(); break;
                    case "threads": Threads(bug); break;
                    default: throw new ArgumentException(scenario);
                }
            }

            // The address of an object's data after the fixed statement ended: nothing pins the object any more.
            private static nint Unpinned(Array array)
            {
                fixed (byte* p = &MemoryMarshal.GetArrayDataReference(array))
                {
                    return (nint)p;
                }
            }

            private static void StackStruct(bool bug)
            {
                int[] data = new int[16];
                if (bug)
                {
                    Box b = new() { Data = (int*)Unpinned(data), Length = 16 };
                    Native.UseBox(&b); // CALL:stack-struct
                }
                else
                {
                    fixed (int* p = data)
                    {
                        Box b = new() { Data = p, Length = 16 };
                        Native.UseBox(&b);
                    }
                }

                GC.KeepAlive(data);
            }

            private static void RefHeapField(bool bug)
            {
                var holder = new BoxHolder();
                int[] other = new int[16];
                GCHandle pin = bug ? default : GCHandle.Alloc(other, GCHandleType.Pinned);
                holder.B.Data = bug ? (int*)Unpinned(other) : (int*)pin.AddrOfPinnedObject();
                Native.UseBoxRef(ref holder.B); // CALL:ref-heap-field
                if (!bug)
                {
                    pin.Free();
                }

                GC.KeepAlive(other);
            }

            private static void SlotOfFixedObject(bool bug)
            {
                var holder = new PointerHolder();
                int[] target = bug ? new int[16] : GC.AllocateArray<int>(16, pinned: true);
                holder.P = (int*)Unpinned(target);
                fixed (int** pp = &holder.P)
                {
                    Native.UseSlot(pp); // CALL:slot-of-fixed-object
                }

                GC.KeepAlive(target);
            }

            private static void RefElement(bool bug)
            {
                int[] target = new int[16];
                GCHandle pin = bug ? default : GCHandle.Alloc(target, GCHandleType.Pinned);
                nint[] table = [bug ? Unpinned(target) : pin.AddrOfPinnedObject()];
                Native.UseRef(ref table[0]); // CALL:ref-element
                if (!bug)
                {
                    pin.Free();
                }

                GC.KeepAlive(target);
            }

            private static void ArrayElements(bool bug)
            {
                byte[] first = bug ? new byte[32] : GC.AllocateArray<byte>(32, pinned: true);
                byte[] second = bug ? new byte[32] : GC.AllocateArray<byte>(32, pinned: true);
                nint[] table = [0, Unpinned(first), Unpinned(second)];
                Native.UseArgv(table.Length, table); // CALL:array-elements
                GC.KeepAlive(first);
                GC.KeepAlive(second);
            }

            private static void StaticByteSlot(bool bug)
            {
                if (bug)
                {
                    byte* p = (byte*)Unpinned(s_static);
                    Native.UseByteSlot(&p); // CALL:static-byte-slot
                }
                else
                {
                    fixed (byte* q = s_static)
                    {
                        byte* p = q;
                        Native.UseByteSlot(&p);
                    }
                }
            }

            private static void UnionArm(bool bug)
            {
                int[] target = new int[16];
                Union u = default;
                if (bug)
                {
                    u.P = (void*)Unpinned(target);
                    Native.UseUnion(u); // CALL:union
                }
                else
                {
                    fixed (int* p = target)
                    {
                        u.P = p;
                        Native.UseUnion(u);
                    }
                }

                GC.KeepAlive(target);
            }

            private static void BigStruct(bool bug)
            {
                long[] target = new long[8];
                Big big = default;
                if (bug)
                {
                    big.Tail = (void*)Unpinned(target);
                    Native.UseBig(big); // CALL:big-struct
                }
                else
                {
                    fixed (byte* rva = Rva)
                    {
                        big.Tail = rva; // RVA data in the image: never managed
                        Native.UseBig(big);
                    }
                }

                GC.KeepAlive(target);
            }

            private static void ArgvStrings(bool bug)
            {
                string[] words = bug
                    ? [new string('a', 3), string.Concat("b", Environment.ProcessId.ToString()), new string('c', 5)]
                    : ["first literal", "second literal", "third literal"];
                nint[] argv = new nint[words.Length + 1];
                for (int i = 0; i < words.Length; i++)
                {
                    fixed (char* c = words[i])
                    {
                        argv[i] = (nint)c;
                    }
                }

                Native.UseArgv(words.Length, argv); // CALL:argv-strings
                GC.KeepAlive(words);
            }

            private static void StructInObject(bool bug)
            {
                var holder = new BoxHolder();
                int[] other = new int[16];
                GCHandle pin = bug ? default : GCHandle.Alloc(other, GCHandleType.Pinned);
                holder.B.Data = bug ? (int*)Unpinned(other) : (int*)pin.AddrOfPinnedObject();
                fixed (Box* pb = &holder.B)
                {
                    Native.UseBox(pb); // CALL:struct-in-object
                }

                if (!bug)
                {
                    pin.Free();
                }

                GC.KeepAlive(other);
            }

            private static void InnerStructRef(bool bug)
            {
                var holder = new MidHolder();
                int[] other = new int[16];
                if (bug)
                {
                    holder.M.Inner.Data = (int*)Unpinned(other);
                    Native.UseBoxRef(ref holder.M.Inner); // CALL:inner-struct-ref
                }
                else
                {
                    fixed (int* p = other)
                    {
                        holder.M.Inner.Data = p;
                        Native.UseBoxRef(ref holder.M.Inner);
                    }
                }

                GC.KeepAlive(other);
            }

            // The correct twin of every shape that keeps an address as a number: an integer field is not followed.
            private static void IntegerField()
            {
                int[] target = new int[16];
                Handles h = new() { Data = 0, Number = Unpinned(target) };
                Native.UseHandles(h);
                GC.KeepAlive(target);
            }

            // Top level: the argument itself points into an object, no struct around it.
            private static void TopPointer(bool bug)
            {
                int[] data = new int[16];
                if (bug)
                {
                    Native.UseInts((int*)Unpinned(data)); // CALL:top-pointer
                }
                else
                {
                    fixed (int* p = data)
                    {
                        Native.UseInts(p);
                    }
                }

                GC.KeepAlive(data);
            }

            private static void TopNint(bool bug)
            {
                byte[] data = new byte[32];
                GCHandle pin = bug ? default : GCHandle.Alloc(data, GCHandleType.Pinned);
                Native.UseAddress(bug ? Unpinned(data) + 8 : pin.AddrOfPinnedObject() + 8); // CALL:top-nint
                if (!bug)
                {
                    pin.Free();
                }

                GC.KeepAlive(data);
            }

            private static void TopVoid(bool bug)
            {
                long[] data = bug ? new long[4] : GC.AllocateArray<long>(4, pinned: true);
                Native.UseVoid((void*)Unpinned(data)); // CALL:top-void
                GC.KeepAlive(data);
            }

            // A frozen string literal: never moves, so a pointer to it needs no pin.
            private static void TopLiteral()
            {
                char* c;
                fixed (char* f = "a frozen literal")
                {
                    c = f;
                }

                Native.UseVoid(c);
            }

            // The pointer lies in another argument of the same call, which the marshaller pins for the call.
            private static void TopOwnPin()
            {
                byte[] data = new byte[32];
                Native.UseArrayAndAddress(data, Unpinned(data) + 4);
            }

            private static void TopNative()
            {
                void* p = NativeMemory.Alloc(64);
                Native.UseVoid(p);
                Native.UseAddress((nint)p);
                NativeMemory.Free(p);
            }

            // Forces a GC and runs the finalizers while the calling thread is blocked inside ig_test_block_holding.
            private static Thread CollectDuringTheCall()
            {
                var collector = new Thread(() =>
                {
                    Native.WaitBlocked();
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    Native.ReleaseBlocked();
                });
                collector.Start();
                return collector;
            }

            // ig_test_block_holding keeps the pointer; forget it, so the validator's exit sweep finds no stale copy.
            private static void Finish(Thread collector)
            {
                collector.Join();
                Native.UseVoid(null);
            }

            [MethodImpl(MethodImplOptions.NoInlining)]
            private static BufferHandle Open() => new();

            // The raw value of a SafeHandle nothing references any more: its finalizer frees the memory during the call.
            private static void DangerousHandle(bool bug)
            {
                Thread collector = CollectDuringTheCall();
                try
                {
                    if (bug)
                    {
                        Native.BlockHolding(Open().DangerousGetHandle()); // CALL:dangerous-handle
                    }
                    else
                    {
                        BufferHandle h = Open();
                        bool added = false;
                        try
                        {
                            h.DangerousAddRef(ref added);
                            Native.BlockHolding(h.DangerousGetHandle());
                        }
                        finally
                        {
                            if (added)
                            {
                                h.DangerousRelease();
                            }
                        }
                    }
                }
                finally
                {
                    Finish(collector);
                }
            }

            private static void DangerousHandleKeepAlive()
            {
                Thread collector = CollectDuringTheCall();
                BufferHandle h = Open();
                Native.BlockHolding(h.DangerousGetHandle());
                GC.KeepAlive(h);
                Finish(collector);
            }

            private static void DangerousHandleSafeHandle()
            {
                Thread collector = CollectDuringTheCall();
                Native.BlockHoldingHandle(Open());
                Finish(collector);
            }

            // 8 threads pass struct pointers while another thread forces GCs.
            private static void Threads(bool bug)
            {
                int reported = 0;
                using var stop = new CancellationTokenSource();
                var gc = new Thread(() => { while (!stop.IsCancellationRequested) { GC.Collect(); Thread.Sleep(1); } });
                gc.Start();
                var workers = new Thread[8];
                for (int t = 0; t < workers.Length; t++)
                {
                    workers[t] = new Thread(() =>
                    {
                        for (int i = 0; i < 5; i++)
                        {
                            int[] data = new int[64];
                            try
                            {
                                if (bug)
                                {
                                    Box b = new() { Data = (int*)Unpinned(data), Length = 64 };
                                    Native.UseBox(&b);
                                }
                                else
                                {
                                    fixed (int* p = data)
                                    {
                                        Box b = new() { Data = p, Length = 64 };
                                        Native.UseBox(&b);
                                    }
                                }
                            }
                            catch (InteropViolationException)
                            {
                                Interlocked.Increment(ref reported);
                            }

                            GC.KeepAlive(data);
                        }
                    });
                    workers[t].Start();
                }

                foreach (Thread w in workers)
                {
                    w.Join();
                }

                stop.Cancel();
                gc.Join();
                Console.WriteLine("thread reports=" + reported);
            }
        }
        """;
}
