// PointerOutlivesPinTests.cs: IG1001 pointer-outlives-pin, flagged snippets and the nearest correct code.
using InteropGuard.Generators.Analyzers;
using InteropGuard.Generators.Tests.Analyzers.Support;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Analyzers;

[TestFixture]
public sealed class PointerOutlivesPinTests
{
    private static void Verify(string source) => AnalyzerVerifier.Verify<PointerOutlivesPinAnalyzer>(source);

    [Test]
    public void Detects_FixedPointerStoredInField() => Verify("""
        unsafe class Decoder
        {
            private byte* _row;
            public void Start(byte[] data)
            {
                fixed (byte* p = data)
                {
                    [|_row = p|];
                }
            }
        }
        """);

    [Test]
    public void Detects_FixedPointerStoredInStaticAsIntPtr() => Verify("""
        unsafe class Cache
        {
            private static nint s_last;
            public static void Remember(byte[] data)
            {
                fixed (byte* p = data)
                {
                    nint address = (nint)(p + 4);
                    [|s_last = address|];
                }
            }
        }
        """);

    [Test]
    public void Detects_FixedPointerReturned() => Verify("""
        unsafe class Strings
        {
            public static char* Leak(string s)
            {
                fixed (char* p = s)
                {
                    [|return p;|]
                }
            }
        }
        """);

    [Test]
    public void Detects_FixedPointerWrittenToNativeMemory() => Verify("""
        unsafe class Binder
        {
            public static void Bind(void** slot, nint block, byte[] data)
            {
                fixed (byte* p = data)
                {
                    [|*slot = p|];
                    [|Marshal.WriteIntPtr(block, 8, (nint)p)|];
                }
            }
        }
        """);

    [Test]
    public void Detects_FixedPointerInOutParameter() => Verify("""
        unsafe class Api
        {
            public static void Get(int[] values, out int* first)
            {
                fixed (int* p = values)
                {
                    [|first = p|];
                }
            }
        }
        """);

    [Test]
    public void Detects_FixedPointerInFieldOfHeapObjectThroughPointerStruct() => Verify("""
        unsafe struct Request { public byte* Data; }
        unsafe class Holder { public Request Pending; }
        unsafe class Client
        {
            public static void Queue(Holder holder, byte[] data)
            {
                fixed (byte* p = data)
                {
                    [|holder.Pending.Data = p|];
                }
            }
        }
        """);

    [Test]
    public void Detects_AsPointerOfFieldStored() => Verify("""
        unsafe class Counter
        {
            private long _count;
            private long* _slot;
            public void Publish() { [|_slot = (long*)Unsafe.AsPointer(ref _count)|]; }
        }
        """);

    [Test]
    public void Detects_AsPointerOfLocalReturned() => Verify("""
        unsafe class Stack
        {
            public static int* Dangling()
            {
                int local = 5;
                [|return (int*)Unsafe.AsPointer(ref local);|]
            }
        }
        """);

    [Test]
    public void Detects_AddrOfPinnedObjectOfFreedHandleStored() => Verify("""
        class Uploader
        {
            private nint _pixels;
            public void Upload(byte[] pixels)
            {
                var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
                try
                {
                    [|_pixels = handle.AddrOfPinnedObject()|];
                }
                finally
                {
                    handle.Free();
                }
            }
        }
        """);

    [Test]
    public void Detects_MemoryHandlePointerOfDisposedHandleStored() => Verify("""
        unsafe class Reader
        {
            private void* _buffer;
            public void Read(Memory<byte> memory)
            {
                using var pin = memory.Pin();
                [|_buffer = pin.Pointer|];
            }
            public void ReadExplicit(Memory<byte> memory)
            {
                MemoryHandle pin = memory.Pin();
                [|_buffer = pin.Pointer|];
                pin.Dispose();
            }
        }
        """);

    [Test]
    public void Detects_GuardPinPointerKeptAfterRelease() => Verify("""
        class Frame
        {
            private nint _pixels;
            public nint Upload(byte[] pixels)
            {
                InteropGuard.Pin pin = InteropGuard.Guard.Pin(pixels);
                nint p = pin.Pointer;
                pin.Release();
                [|return p;|]
            }
            public void Keep(byte[] pixels)
            {
                using var pin = InteropGuard.Guard.Pin(pixels);
                [|_pixels = pin.Pointer|];
            }
        }
        """);

    [Test]
    public void Allows_GuardPinKeptInAField() => Verify("""
        class Frame
        {
            private InteropGuard.Pin _pin;
            private nint _pixels;
            public void Upload(byte[] pixels)
            {
                var pin = InteropGuard.Guard.Pin(pixels);
                _pin = pin;
                _pixels = pin.Pointer;
            }
        }
        """);

    [Test]
    public void Allows_FixedPointerUsedInsideTheBlock() => Verify("""
        unsafe class Hasher
        {
            [DllImport("native")] private static extern int hash(byte* data, int length);
            public static int Hash(byte[] data)
            {
                fixed (byte* p = data)
                {
                    byte* cursor = p + 1;
                    int first = *cursor;
                    return first + hash(p, data.Length);
                }
            }
        }
        """);

    [Test]
    public void Allows_FixedPointerInStackStructPassedToCall() => Verify("""
        unsafe struct Request { public byte* Data; public int Length; }
        unsafe class Client
        {
            [DllImport("native")] private static extern int submit(Request* request);
            public static int Send(byte[] data)
            {
                fixed (byte* p = data)
                {
                    Request request;
                    request.Data = p;
                    request.Length = data.Length;
                    Request* stacked = stackalloc Request[1];
                    stacked->Data = p;
                    stacked[0].Length = 1;
                    return submit(&request) + submit(stacked);
                }
            }
        }
        """);

    [Test]
    public void Allows_FixedPointerInPinnedPointerArray() => Verify("""
        unsafe class Batch
        {
            public static void Fill(byte[] a, nint[] slots)
            {
                fixed (byte* p = a)
                fixed (nint* table = slots)
                {
                    table[0] = (nint)p;
                    *table = (nint)p;
                }
            }
        }
        """);

    [Test]
    public void Allows_ValuesReadThroughThePointer() => Verify("""
        unsafe class Parser
        {
            private int _header;
            private long _distance;
            public int Parse(byte[] data)
            {
                fixed (byte* p = data)
                {
                    _header = *(int*)p;
                    byte* end = p + data.Length;
                    _distance = end - p;
                    return p[1];
                }
            }
        }
        """);

    [Test]
    public void Allows_PinnedHandleKeptInField() => Verify("""
        class Uploader
        {
            private GCHandle _handle;
            private nint _pixels;
            public void Upload(byte[] pixels)
            {
                _handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
                _pixels = _handle.AddrOfPinnedObject();
            }
            public void Keep(byte[] pixels)
            {
                var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
                _handle = handle;
                _pixels = handle.AddrOfPinnedObject();
            }
        }
        """);

    [Test]
    public void Allows_MemoryHandleKeptInField() => Verify("""
        unsafe class Reader
        {
            private MemoryHandle _pin;
            private void* _buffer;
            public void Start(Memory<byte> memory)
            {
                _pin = memory.Pin();
                _buffer = _pin.Pointer;
            }
        }
        """);

    [Test]
    public void Allows_AsPointerOfStaticFieldAndRefPassThrough() => Verify("""
        unsafe class Statics
        {
            private static long s_counter;
            private static long* s_slot;
            public static void Publish() { s_slot = (long*)Unsafe.AsPointer(ref s_counter); }
            public static void* AddressOf<T>(ref T value) => Unsafe.AsPointer(ref value);
        }
        """);

    [Test]
    public void Allows_AddressOfStackLocalInFixedBlockCopiedToLocal() => Verify("""
        unsafe class Copy
        {
            public static int Sum(int[] values)
            {
                int total = 0;
                fixed (int* p = values)
                {
                    int* q = p;
                    for (int i = 0; i < values.Length; i++)
                        total += q[i];
                }
                return total;
            }
        }
        """);

    [Test]
    public void Reports_SourceSinkAndWhereThePinEnds()
    {
        var diagnostics = AnalyzerVerifier.Run(new PointerOutlivesPinAnalyzer(), """
            unsafe class Decoder
            {
                private byte* _row;
                public void Start(byte[] data) { fixed (byte* p = data) { _row = p; } }
            }
            """);
        Assert.That(diagnostics, Has.Length.EqualTo(1));
        Assert.That(diagnostics[0].GetMessage(), Does.StartWith(
            "The pointer from the 'fixed' local 'p' is stored in field '_row' and outlives its pin (the pin ends with the fixed block)"));
        Assert.That(diagnostics[0].Descriptor.HelpLinkUri, Is.EqualTo("docs/checks/IG1001-pointer-outlives-pin.md"));
    }
}
