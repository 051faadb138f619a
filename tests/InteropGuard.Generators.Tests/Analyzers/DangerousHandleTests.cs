// DangerousHandleTests.cs: IG1006 dangerous-handle-not-kept-alive, flagged snippets and the nearest correct code.
using InteropGuard.Generators.Analyzers;
using InteropGuard.Generators.Tests.Analyzers.Support;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Analyzers;

[TestFixture]
public sealed class DangerousHandleTests
{
    private const string Native = """
        static class Native
        {
            [DllImport("libc")] public static extern int read(nint fd, nint buffer, nint count);
            [DllImport("libc")] public static extern int write_safe(SafeFileHandle fd, nint buffer, nint count);
            [DllImport("libc")] public static extern int fstat(SafeFileHandle fd, nint fdRaw);
            [DllImport("libc")] public static extern int read_ref(HandleRef fd, nint buffer, nint count);
            public static int Managed(nint handle) => 0;
        }

        """;

    private static void Verify(string source) => AnalyzerVerifier.Verify<DangerousHandleAnalyzer>(Native + source);

    [Test]
    public void Detects_RawHandleFromALocalThatIsNotUsedAgain() => Verify("""
        class File
        {
            public static int Read(string path, nint buffer)
            {
                SafeFileHandle file = System.IO.File.OpenHandle(path);
                return Native.read([|file.DangerousGetHandle()|], buffer, 16);
            }
        }
        """);

    [Test]
    public void Detects_RawHandleThroughALocalFromAField() => Verify("""
        class Device
        {
            private readonly SafeFileHandle _handle;
            public Device(SafeFileHandle handle) { _handle = handle; }
            public int Read(nint buffer)
            {
                nint raw = _handle.DangerousGetHandle();
                return Native.read([|raw|], buffer, 16);
            }
        }
        """);

    [Test]
    public void Detects_RawHandleOfATemporaryOwner() => Verify("""
        class File
        {
            private static SafeFileHandle Open() => new SafeFileHandle(0, true);
            public static int Read(nint buffer) => Native.read([|Open().DangerousGetHandle()|], buffer, 16);
        }
        """);

    [Test]
    public void Detects_AddRefWithoutReleaseAfter() => Verify("""
        class File
        {
            public static int Read(SafeFileHandle file, nint buffer)
            {
                bool added = false;
                file.DangerousAddRef(ref added);
                return Native.read([|file.DangerousGetHandle()|], buffer, 16);
            }
        }
        """);

    [Test]
    public void Allows_AddRefAndReleaseAroundTheCall() => Verify("""
        class File
        {
            public static int Read(SafeFileHandle file, nint buffer)
            {
                bool added = false;
                try
                {
                    file.DangerousAddRef(ref added);
                    return Native.read(file.DangerousGetHandle(), buffer, 16);
                }
                finally
                {
                    if (added)
                        file.DangerousRelease();
                }
            }
        }
        """);

    [Test]
    public void Allows_KeepAliveAfterTheCall() => Verify("""
        class Device
        {
            private readonly SafeFileHandle _handle = new SafeFileHandle(0, true);
            public int Read(SafeFileHandle file, nint buffer)
            {
                int n = Native.read(file.DangerousGetHandle(), buffer, 16);
                GC.KeepAlive(file);
                return n;
            }
            public int ReadOwn(nint buffer)
            {
                int n = Native.read(_handle.DangerousGetHandle(), buffer, 16);
                GC.KeepAlive(this);
                return n;
            }
        }
        """);

    [Test]
    public void Allows_UsingScopeAndLaterUse() => Verify("""
        class File
        {
            public static int Read(string path, nint buffer)
            {
                using SafeFileHandle file = System.IO.File.OpenHandle(path);
                return Native.read(file.DangerousGetHandle(), buffer, 16);
            }
            public static int ReadBlock(string path, nint buffer)
            {
                using (var file = System.IO.File.OpenHandle(path))
                {
                    return Native.read(file.DangerousGetHandle(), buffer, 16);
                }
            }
            public static int ReadThenClose(SafeFileHandle file, nint buffer)
            {
                int n = Native.read(file.DangerousGetHandle(), buffer, 16);
                file.Dispose();
                return file.IsClosed ? n : -1;
            }
        }
        """);

    [Test]
    public void Allows_SafeHandlePassedOrWrapped() => Verify("""
        class File
        {
            public static int Write(SafeFileHandle file, nint buffer)
            {
                int a = Native.write_safe(file, buffer, 16);
                int b = Native.fstat(file, file.DangerousGetHandle());
                int c = Native.read_ref(new HandleRef(file, file.DangerousGetHandle()), buffer, 16);
                return a + b + c;
            }
        }
        """);

    [Test]
    public void Allows_RawHandleUsedOnlyByManagedCode() => Verify("""
        class File
        {
            public static int Describe(SafeFileHandle file) => Native.Managed(file.DangerousGetHandle());
        }
        """);
}
