// A user's NUnit tests (the body of UnitTest1.cs in a `dotnet new nunit` project): one test hands an array to a library
// that keeps the pointer past the call; the next does the same and takes the pointer back; the last passes a plain pointer.
using System.Runtime.InteropServices;

namespace Suite;

internal static class Native
{
    [DllImport("igsample", EntryPoint = "sample_keep")]
    internal static extern void Keep(byte[]? data);

    [DllImport("igsample", EntryPoint = "sample_sum")]
    internal static extern ulong Sum(nint p, nuint n);
}

public class Tests
{
    [Test]
    public void HandsAnArrayToALibraryThatKeepsIt()
    {
        var data = new byte[64];
        Native.Keep(data); // BUG: the library keeps a pointer into data after the call
        Assert.That(data, Has.Length.EqualTo(64));
    }

    [Test]
    public void HandsAnArrayAndTakesItBack()
    {
        var data = new byte[64];
        Native.Keep(data);
        Native.Keep(null); // FIXED: nothing kept past the calls
        Assert.That(data, Has.Length.EqualTo(64));
    }

    [Test]
    public void SumsNothing()
    {
        Assert.That(Native.Sum(0, 0), Is.EqualTo(0UL));
    }
}
