// GCHandleLifetimeTests.cs: IG1004 gchandle-not-freed and IG1005 gchandle-freed-twice, flagged snippets and the nearest correct code.
using InteropGuard.Generators.Analyzers;
using InteropGuard.Generators.Tests.Analyzers.Support;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Analyzers;

[TestFixture]
public sealed class GCHandleLifetimeTests
{
    private const string Native = """
        static class Native
        {
            [DllImport("native")] public static extern int use(nint data);
            public static bool Fails() => false;
        }

        """;

    private static void Verify(string source) => AnalyzerVerifier.Verify<GCHandleLifetimeAnalyzer>(Native + source);

    [Test]
    public void Detects_HandleNotFreedOnAnEarlyReturn() => Verify("""
        class Uploader
        {
            public static int Upload(byte[] data)
            {
                var handle = {|IG1004:GCHandle.Alloc(data, GCHandleType.Pinned)|};
                if (Native.Fails())
                    return -1;
                int result = Native.use(handle.AddrOfPinnedObject());
                handle.Free();
                return result;
            }
        }
        """);

    [Test]
    public void Detects_HandleNeverFreed() => Verify("""
        class Uploader
        {
            public static int Upload(byte[] data)
            {
                GCHandle handle = {|IG1004:GCHandle.Alloc(data, GCHandleType.Pinned)|};
                return Native.use(handle.AddrOfPinnedObject());
            }
        }
        """);

    [Test]
    public void Detects_HandleOverwrittenAndDiscarded() => Verify("""
        class Uploader
        {
            public static void Upload(byte[] a, byte[] b)
            {
                var handle = {|IG1004:GCHandle.Alloc(a, GCHandleType.Pinned)|};
                handle = GCHandle.Alloc(b, GCHandleType.Pinned);
                handle.Free();
                {|IG1004:GCHandle.Alloc(a)|};
                _ = {|IG1004:GCHandle.Alloc(b)|};
            }
        }
        """);

    [Test]
    public void Detects_HandleFreedOnlyInsideALoopThatMayNotRun() => Verify("""
        class Uploader
        {
            public static void Upload(byte[] data, int times)
            {
                var handle = {|IG1004:GCHandle.Alloc(data, GCHandleType.Pinned)|};
                for (int i = 0; i < times; i++)
                {
                    Native.use(handle.AddrOfPinnedObject());
                    if (i == times - 1)
                    {
                        handle.Free();
                        break;
                    }
                }
            }
        }
        """);

    [Test]
    public void Detects_FreeTwiceOnAPath() => Verify("""
        class Uploader
        {
            public static void Upload(byte[] data, bool retry)
            {
                var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
                try
                {
                    Native.use(handle.AddrOfPinnedObject());
                    if (retry)
                        handle.Free();
                }
                finally
                {
                    {|IG1005:handle.Free()|};
                }
            }
        }
        """);

    [Test]
    public void Detects_FreeTwiceOnAHandleFromACookie() => Verify("""
        class Callbacks
        {
            public static void Release(nint cookie)
            {
                var handle = GCHandle.FromIntPtr(cookie);
                handle.Free();
                {|IG1005:handle.Free()|};
            }
        }
        """);

    [Test]
    public void Allows_FreeInFinally() => Verify("""
        class Uploader
        {
            public static int Upload(byte[] data)
            {
                var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
                try
                {
                    if (Native.Fails())
                        return -1;
                    return Native.use(handle.AddrOfPinnedObject());
                }
                finally
                {
                    handle.Free();
                }
            }
        }
        """);

    [Test]
    public void Allows_FreeOnEveryBranchAndGuardedFree() => Verify("""
        class Uploader
        {
            public static int Upload(byte[] data, bool early)
            {
                var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
                if (early)
                {
                    handle.Free();
                    return 0;
                }
                Native.use(handle.AddrOfPinnedObject());
                handle.Free();
                if (handle.IsAllocated)
                    handle.Free();
                return 1;
            }
            public static void Maybe(byte[] data, bool pin)
            {
                GCHandle handle = default;
                if (pin)
                    handle = GCHandle.Alloc(data, GCHandleType.Pinned);
                Native.use(0);
                if (handle.IsAllocated)
                    handle.Free();
            }
        }
        """);

    [Test]
    public void Allows_HandleHandedOver() => Verify("""
        class Registry
        {
            private GCHandle _handle;
            private readonly List<GCHandle> _all = new();
            public GCHandle Create(object o) { var h = GCHandle.Alloc(o); return h; }
            public void Keep(object o) { var h = GCHandle.Alloc(o); _handle = h; }
            public void Remember(object o) { var h = GCHandle.Alloc(o); _all.Add(h); }
            public static nint Cookie(object o) { var h = GCHandle.Alloc(o); return GCHandle.ToIntPtr(h); }
            public void Field(object o) { _handle = GCHandle.Alloc(o); }
        }
        """);

    [Test]
    public void Allows_ReallocAfterFreeInALoop() => Verify("""
        class Uploader
        {
            public static void UploadAll(byte[][] chunks)
            {
                foreach (var chunk in chunks)
                {
                    var handle = GCHandle.Alloc(chunk, GCHandleType.Pinned);
                    try { Native.use(handle.AddrOfPinnedObject()); }
                    finally { handle.Free(); }
                }
            }
        }
        """);

    [Test]
    public void Allows_FreeInCatchThenRethrow() => Verify("""
        class Uploader
        {
            public static nint Upload(byte[] data)
            {
                var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
                try
                {
                    Native.use(handle.AddrOfPinnedObject());
                }
                catch
                {
                    handle.Free();
                    throw;
                }
                return GCHandle.ToIntPtr(handle);
            }
            public static void InLambda(byte[] data)
            {
                Action a = () => { var h = GCHandle.Alloc(data); h.Free(); };
                a();
            }
        }
        """);

    [Test]
    public void Allows_FreeInFinallyAroundACatchWithAFilter() => Verify("""
        class Uploader
        {
            public static int Upload(byte[] data, int n)
            {
                var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
                try
                {
                    while (n-- > 0)
                    {
                        try { if (n == 3) break; Native.use(handle.AddrOfPinnedObject()); }
                        catch (InvalidOperationException e) when (e.Message.Length > 0) { throw; }
                        catch { return -1; }
                    }
                    return 1;
                }
                finally
                {
                    if (handle.IsAllocated)
                        handle.Free();
                }
            }
        }
        """);

    [Test]
    public void Detects_LeakInsideALambda() => Verify("""
        class Uploader
        {
            public static Action Make(byte[] data) => () => { var h = {|IG1004:GCHandle.Alloc(data)|}; };
            private readonly Action _field = () => { var h = {|IG1004:GCHandle.Alloc(1)|}; };
            private Action Property { get; } = () => { var h = GCHandle.Alloc(2); h.Free(); {|IG1005:h.Free()|}; };
        }
        """);

    [Test]
    public void Reports_TheLineOfTheEarlierFree()
    {
        var diagnostics = AnalyzerVerifier.Run(new GCHandleLifetimeAnalyzer(), """
            class C
            {
                static void M(object o)
                {
                    var h = GCHandle.Alloc(o);
                    h.Free();
                    h.Free();
                }
            }
            """);
        Assert.That(diagnostics, Has.Length.EqualTo(1));
        Assert.That(diagnostics[0].GetMessage(), Does.StartWith("The GCHandle 'h' may already have been freed (line 6) when Free is called here"));
        Assert.That(diagnostics[0].AdditionalLocations[0].GetLineSpan().StartLinePosition.Line, Is.EqualTo(5));
    }
}
