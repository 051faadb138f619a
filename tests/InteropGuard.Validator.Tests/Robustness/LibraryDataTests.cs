// LibraryDataTests.cs: which library data the scan reads: the ELF's writable PT_LOAD segments, never an anonymous mapping that merely follows a library.
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using InteropGuard.Validator.Target;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Robustness;

[TestFixture]
public sealed class LibraryDataTests
{
    private static string Lib => Path.Combine(TestContext.CurrentContext.TestDirectory, "targets", "libigtestnative.so");

    private static string Line(ulong start, ulong end, string perms, ulong offset, string path) =>
        string.Create(CultureInfo.InvariantCulture, $"{start:x}-{end:x} {perms} {offset:x8} 08:01 42    {path}");

    [Test]
    public void WritableSegments_AreTakenFromTheElf_NotFromAFollowingAnonymousMapping()
    {
        const ulong b = 0x7f0000000000;
        var lines = new List<string>
        {
            Line(b, b + 0x1000, "r--p", 0, Lib),
            Line(b + 0x1000, b + 0x2000, "r-xp", 0x1000, Lib),
            Line(b + 0x3000, b + 0x4000, "r--p", 0x2000, Lib),
            Line(b + 0x4000, b + 0x5000, "rw-p", 0x3000, Lib),
            Line(b + 0x5000, b + 0x105000, "rw-p", 0, ""), // the runtime's own memory, right after the library
            Line(b + 0x200000, b + 0x201000, "rw-p", 0x1000, "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libcoreclr.so"),
            Line(b + 0x300000, b + 0x301000, "rw-p", 0x1000, "/usr/share/dotnet/shared/Microsoft.NETCore.App/10.0.0/libSystem.Native.so"),
            Line(b + 0x400000, b + 0x401000, "rw-p", 0x1000, "/lib/x86_64-linux-gnu/libc.so.6"),
        };

        List<LibraryData> data = LibraryDataRegions.Parse(lines);

        Assert.That(data, Is.Not.Empty);
        foreach (LibraryData d in data)
        {
            Assert.That(d.Path, Is.EqualTo(Lib), "runtime libraries and libc are skipped");
            Assert.That(d.Start, Is.GreaterThanOrEqualTo(b));
            Assert.That(d.End, Is.LessThanOrEqualTo(b + 0x5000 + 0x1000), "not the anonymous mapping after the library");
        }
    }

    [Test]
    public void UnreadableLibrary_FallsBackToItsFileBackedRwMappings()
    {
        const ulong b = 0x7f1000000000;
        var lines = new List<string>
        {
            Line(b, b + 0x1000, "r--p", 0, "/nonexistent/libmissing.so"),
            Line(b + 0x4000, b + 0x5000, "rw-p", 0x3000, "/nonexistent/libmissing.so"),
            Line(b + 0x5000, b + 0x9000, "rw-p", 0, ""),
        };

        List<LibraryData> data = LibraryDataRegions.Parse(lines);

        Assert.That(data, Has.Count.EqualTo(1));
        Assert.That(data[0].Start, Is.EqualTo(b + 0x4000));
        Assert.That(data[0].End, Is.EqualTo(b + 0x5000));
    }
}
