// UnpinnedAddressToNativeTests.cs: IG1002 unpinned-address-to-native, flagged snippets and the nearest correct code.
using InteropGuard.Generators.Analyzers;
using InteropGuard.Generators.Tests.Analyzers.Support;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Analyzers;

[TestFixture]
public sealed class UnpinnedAddressToNativeTests
{
    private const string Native = """
        static unsafe partial class Native
        {
            [DllImport("native")] public static extern void fill(void* buffer, int length);
            [DllImport("native")] public static extern void fill_address(nint buffer, int length);
            [DllImport("native")] public static extern void fill_ref(ref byte first, int length);
            [DllImport("native")] public static extern void fill_array(byte[] buffer, int length);
            [LibraryImport("native")] public static partial void fill_li(nint buffer, int length);
            public static partial void fill_li(nint buffer, int length) { }
        }

        """;

    private static void Verify(string source) => AnalyzerVerifier.Verify<UnpinnedAddressToNativeAnalyzer>(Native + source);

    [Test]
    public void Detects_AsPointerOfArrayElement() => Verify("""
        unsafe class Reader
        {
            public static void Read(byte[] buffer)
            {
                Native.fill_address([|(nint)Unsafe.AsPointer(ref buffer[0])|], buffer.Length);
            }
        }
        """);

    [Test]
    public void Detects_AsPointerOfClassFieldThroughLocal() => Verify("""
        unsafe class Counter
        {
            private long _value;
            public void Sample()
            {
                void* address = Unsafe.AsPointer(ref _value);
                Native.fill([|address|], sizeof(long));
            }
        }
        """);

    [Test]
    public void Detects_AsPointerOfStructFieldInsideClass() => Verify("""
        struct Header { public int Magic; public int Length; }
        unsafe class Packet
        {
            public Header Header;
            public static void Load(Packet packet)
            {
                var p = (byte*)Unsafe.AsPointer(ref packet.Header.Length);
                Native.fill([|p + 0|], 4);
            }
        }
        """);

    [Test]
    public void Detects_GetArrayDataReferenceAndLibraryImport() => Verify("""
        unsafe class Reader
        {
            public static void Read(byte[] buffer)
            {
                ref byte first = ref MemoryMarshal.GetArrayDataReference(buffer);
                Native.fill_li([|(nint)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), 16))|], 8);
            }
        }
        """);

    [Test]
    public void Detects_UnmanagedFunctionPointerCall() => Verify("""
        unsafe class Reader
        {
            public static void Read(delegate* unmanaged<void*, int, void> fill, int[] values)
            {
                fill([|Unsafe.AsPointer(ref values[2])|], 4);
            }
        }
        """);

    [Test]
    public void Detects_FixedOverAnotherArray() => Verify("""
        unsafe class Copier
        {
            public static void Copy(byte[] source, byte[] target)
            {
                fixed (byte* s = source)
                {
                    Native.fill(s, source.Length);
                    Native.fill([|Unsafe.AsPointer(ref target[0])|], target.Length);
                }
            }
        }
        """);

    [Test]
    public void Allows_FixedOverTheSameArray() => Verify("""
        unsafe class Reader
        {
            public static void Read(byte[] buffer)
            {
                fixed (byte* pinned = buffer)
                {
                    Native.fill(Unsafe.AsPointer(ref buffer[0]), buffer.Length);
                }
            }
        }
        """);

    [Test]
    public void Allows_FixedOverAFieldOfTheSameObject() => Verify("""
        unsafe class Counter
        {
            private long _value;
            private long _other;
            public void Sample()
            {
                fixed (long* pin = &_other)
                {
                    Native.fill(Unsafe.AsPointer(ref _value), sizeof(long));
                }
            }
        }
        """);

    [Test]
    public void Allows_PinnedHandleAndPinnedMemory() => Verify("""
        unsafe class Reader
        {
            public static void Read(byte[] buffer, int[] values)
            {
                var handle = GCHandle.Alloc(buffer, GCHandleType.Pinned);
                try { Native.fill(Unsafe.AsPointer(ref buffer[0]), buffer.Length); }
                finally { handle.Free(); }

                using MemoryHandle pin = values.AsMemory().Pin();
                Native.fill(Unsafe.AsPointer(ref values[0]), 4);
            }
        }
        """);

    [Test]
    public void Allows_PinnedObjectHeapArray() => Verify("""
        unsafe class Reader
        {
            public static void Read()
            {
                byte[] buffer = GC.AllocateUninitializedArray<byte>(4096, pinned: true);
                Native.fill(Unsafe.AsPointer(ref buffer[0]), buffer.Length);
            }
        }
        """);

    [Test]
    public void Allows_MarshallerPinnedRefAndArrayParameters() => Verify("""
        unsafe class Reader
        {
            public static void Read(byte[] buffer)
            {
                Native.fill_ref(ref buffer[0], buffer.Length);
                Native.fill_array(buffer, buffer.Length);
            }
        }
        """);

    [Test]
    public void Allows_StackAndStaticAndRefParameterLocations() => Verify("""
        struct Header { public int Magic; }
        unsafe class Reader
        {
            private static long s_total;
            public static void Read(ref int caller)
            {
                Header header = default;
                int local = 0;
                Native.fill(Unsafe.AsPointer(ref header.Magic), 4);
                Native.fill(Unsafe.AsPointer(ref local), 4);
                Native.fill(Unsafe.AsPointer(ref s_total), 8);
                Native.fill(Unsafe.AsPointer(ref caller), 4);
            }
        }
        """);

    [Test]
    public void Allows_AsPointerNotPassedToNativeCode() => Verify("""
        unsafe class Reader
        {
            private static int Managed(void* p) => 0;
            public static int Read(byte[] buffer) => Managed(Unsafe.AsPointer(ref buffer[0]));
        }
        """);
}
