// StringPinTests.cs - the SQLITE_STATIC pattern: a string pinned for one call and kept by native code is a use-after-unpin
// whose report says it is a string and suggests a NativeBuffer copy; the correct code (NativeBuffer.FromString) is silent.
using System;
using System.Text;
using InteropGuard.Scenarios;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Lifetime;

public sealed class StringPinTests : GuardedFixture
{
    [TearDown]
    public void ForgetKeptPointer() => TestNative.KeepPointer(0);

    [Test]
    public void Detects_StringKeptByNativeCodePastItsPin()
    {
        string sql = new('q', 50_000); // large object heap: stays where it was pinned
        int pinLine = Here.Line(); Pin pin = Guard.Pin(sql);
        TestNative.KeepPointer(pin.Pointer); // "bind" with SQLITE_STATIC: native code keeps the pointer
        pin.Release();
        nint kept = TestNative.KeptPointer();

        Violation v = Catch(() => Guard.Check(kept, 16));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnpin));
        AssertSite(v.AllocationSite, Here.File(), pinLine, nameof(Detects_StringKeptByNativeCodePastItsPin), "pin site");
        string report = v.ToString();
        Assert.That(report, Does.Contain("points 0 bytes into a 100000-byte pinned string"));
        Assert.That(report, Does.Contain("HINT: native code kept a pointer to a pinned string after the pin ended (the SQLITE_STATIC pattern)"));
        Assert.That(report, Does.Contain("NativeBuffer.FromString(text, Encoding.UTF8)"));
        GC.KeepAlive(sql);
    }

    [Test]
    public void Detects_ArrayPinStillGetsTheArrayHint()
    {
        byte[] data = new byte[100_000];
        Pin pin = Guard.Pin(data);
        nint p = pin.Pointer;
        pin.Release();

        Violation v = Catch(() => Guard.Check(p, 16));

        Assert.That(v.ToString(), Does.Contain("pinned managed range").And.Not.Contain("SQLITE_STATIC"));
        GC.KeepAlive(data);
    }

    [Test]
    public unsafe void Allows_StringCopiedIntoANativeBuffer()
    {
        const string sql = "SELECT * FROM t WHERE name = ?";
        using NativeBuffer copy = NativeBuffer.FromString(sql);
        TestNative.KeepPointer(copy.Pointer); // native code may keep this as long as the buffer lives
        nint kept = TestNative.KeptPointer();

        Assert.DoesNotThrow(() => Guard.Check(kept, copy.Length));
        Assert.That(copy.Length, Is.EqualTo((nint)(sql.Length + 1)), "UTF-8 plus a terminating zero");
        Assert.That(Encoding.UTF8.GetString(copy.Span[..^1]), Is.EqualTo(sql));
        Assert.That(copy.Span[^1], Is.Zero);
    }

    [Test]
    public void FromString_EncodingsAndTerminators()
    {
        using NativeBuffer utf16 = NativeBuffer.FromString("hé", Encoding.Unicode);
        using NativeBuffer bare = NativeBuffer.FromString("hé", nullTerminate: false);
        using NativeBuffer empty = NativeBuffer.FromString("");
        using NativeBuffer bytes = NativeBuffer.CopyOf([1, 2, 3]);

        Assert.That(utf16.Span.ToArray(), Is.EqualTo(new byte[] { (byte)'h', 0, 0xe9, 0, 0, 0 }));
        Assert.That(bare.Span.ToArray(), Is.EqualTo(new byte[] { (byte)'h', 0xc3, 0xa9 }));
        Assert.That(empty.Length, Is.EqualTo((nint)1));
        Assert.That(bytes.Span.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.Throws<ArgumentNullException>(() => NativeBuffer.FromString(null!));
    }
}
