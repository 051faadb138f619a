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
        }

        public static unsafe class Program
        {
            private static byte[] s_static = new byte[64];
            private static ReadOnlySpan<byte> Rva => [1, 2, 3, 4, 5, 6, 7, 8];

            public static int Main(string[] args)
            {
                try
                {
                    Run(args[0]);
                }
                catch (InteropViolationException e)
                {
                    Console.WriteLine("caught " + e.Violation.KindName + " argument=" + e.Violation.Argument);
                }

                Console.WriteLine("reports=" + Guard.ReportCount);
                return 0;
            }

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
