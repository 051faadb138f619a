// ValidatorParsingTests.cs - the reading side of the protocol in process: lines (cap, CR, last line), messages (garbage
// is null, unknown events are ignored), findings -> Violation with every field, missing fields and wrong types tolerated.
using System.IO;
using System.Text;
using System.Text.Json;
using InteropGuard.Validation;
using InteropGuard.Violations;
using NUnit.Framework;

namespace InteropGuard.Tests.Validation;

public sealed class ValidatorParsingTests
{
    private static nint A(long address) => (nint)address;

    private static Violation? Parse(string json, out string? badKind)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return ValidatorFindingParser.ToViolation(doc.RootElement, new TargetSweepOrigin(1, 1, 0), out badKind);
    }

    private static Violation ParseOk(string json)
    {
        Violation? v = Parse(json, out string? bad);
        Assert.That(bad, Is.Null);
        Assert.That(v, Is.Not.Null);
        return v!;
    }

    [Test]
    public void Finding_EveryFieldOfTheProtocolExample()
    {
        Violation v = ParseOk(FakeValidator.Finding.Replace("__SWEEP__", "7"));

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UnpinnedManagedPointer));
        Assert.That(v.IsFromValidator, Is.True);
        Assert.That(v.Address, Is.EqualTo(A(0x7f1c2a4b0010)));
        Assert.That(v.Size, Is.EqualTo((nint)8));
        Assert.That(v.AccessSite, Is.Null);
        Assert.That(v.Evidence, Is.EqualTo(FakeValidator.Evidence));
        Assert.That(v.Description, Is.EqualTo(FakeValidator.Evidence));
        Assert.That(v.Holder, Is.Not.Null);
        Assert.That(v.Holder!.Kind, Is.EqualTo("native-block"));
        Assert.That(v.Holder.Address, Is.EqualTo(A(0x5581e2b0a008)));
        Assert.That(v.Holder.Start, Is.EqualTo(A(0x5581e2b0a000)));
        Assert.That(v.Holder.Size, Is.EqualTo((nint)64));
        Assert.That(v.Holder.Offset, Is.EqualTo((nint)8));
        Assert.That(v.Holder.Site!.Member, Is.EqualTo("Demo.Keep"));
        Assert.That(v.Holder.Site.File, Is.EqualTo("/src/Demo.cs"));
        Assert.That(v.Holder.Site.Line, Is.EqualTo(42));
        Assert.That(v.ManagedObject, Is.Not.Null);
        Assert.That(v.ManagedObject!.TypeName, Is.EqualTo("System.Byte[]"));
        Assert.That(v.ManagedObject.Address, Is.EqualTo(A(0x7f1c2a4b0000)));
        Assert.That(v.ManagedObject.Size, Is.EqualTo((nint)1048));
        Assert.That(v.ManagedObject.Offset, Is.EqualTo((nint)16));
        Assert.That(v.ThreadId, Is.Zero, "no thread of this process detected it");
    }

    [Test]
    public void Finding_RangeSitesAndTimes()
    {
        Violation v = ParseOk("""
            {"ev":"finding","sweep":0,"kind":"use-after-unpin","address":"0x1010","rangeId":"0x100000003","rangeKind":"managed-pin",
             "rangeStart":"0x1000","rangeSize":256,"allocSite":{"function":"A.Pin","file":"/s/A.cs","line":5},
             "releaseSite":{"function":"A.Unpin","file":"/s/A.cs","line":6},"sinceReleaseMs":12.5,"detail":-3}
            """);

        Assert.That(v.RangeKind, Is.EqualTo(RangeKind.ManagedPin));
        Assert.That(v.RangeStart, Is.EqualTo((nint)0x1000));
        Assert.That(v.RangeSize, Is.EqualTo((nint)256));
        Assert.That(v.AllocationSite!.Member, Is.EqualTo("A.Pin"));
        Assert.That(v.ReleaseSite!.Line, Is.EqualTo(6));
        Assert.That(v.SinceRelease!.Value.TotalMilliseconds, Is.EqualTo(12.5).Within(0.001));
        Assert.That(v.Holder, Is.Null);
        Assert.That(v.ManagedObject, Is.Null);
        Assert.That(v.Description, Is.EqualTo("The validator found 0x1010, which points 16 bytes into a 256-byte pinned managed range [0x1000, 0x1100) that was released 12.5 ms before the sweep."));
    }

    [Test]
    public void Finding_OnlyAKind_IsEnough()
    {
        Violation v = ParseOk("""{"ev":"finding","kind":"dangling-managed-pointer"}""");

        Assert.That((long)v.Address, Is.Zero);
        Assert.That(v.Holder, Is.Null);
        Assert.That(v.RangeKind, Is.EqualTo(RangeKind.None));
        Assert.That(v.Description, Is.EqualTo("The validator found 0x0, which points into managed memory where no live object is."));
        Assert.That(v.ToString(), Does.Contain("SUMMARY: InteropGuard: dangling-managed-pointer\n"));
    }

    [Test]
    public void Finding_WrongTypes_AreTreatedAsMissing()
    {
        Violation v = ParseOk("""
            {"ev":"finding","kind":"unpinned-managed-pointer","address":4096,"size":"lots","holder":17,"holderStart":"0xZZ",
             "holderSite":"Demo.cs:42","objectType":["x"],"objectAddress":"4000","sinceReleaseMs":"soon","rangeKind":"pin?","rangeStart":"0x10"}
            """);

        Assert.That(v.Address, Is.EqualTo((nint)4096), "a number is accepted as an address");
        Assert.That((long)v.Size, Is.Zero);
        Assert.That(v.Holder, Is.Null, "a mistyped holder, a malformed holder start and a site that is not an object say nothing of a holder");
        Assert.That(v.ManagedObject!.TypeName, Is.Null);
        Assert.That(v.ManagedObject.Address, Is.EqualTo((nint)4000), "a decimal string is accepted");
        Assert.That(v.ManagedObject.Offset, Is.EqualTo((nint)96));
        Assert.That(v.SinceRelease, Is.Null);
        Assert.That(v.RangeKind, Is.EqualTo(RangeKind.None));
        Assert.That((long)v.RangeStart, Is.Zero, "a range without a known kind is not shown");
        Assert.DoesNotThrow(() => _ = v.ToString());
    }

    [TestCase("""{"ev":"finding","kind":"no-such-kind"}""", "no-such-kind")]
    [TestCase("""{"ev":"finding","address":"0x10"}""", "(none)")]
    [TestCase("""{"ev":"finding","kind":7}""", "(none)")]
    public void Finding_UnknownKind_IsNoViolation(string json, string expected)
    {
        Violation? v = Parse(json, out string? bad);

        Assert.That(v, Is.Null);
        Assert.That(bad, Is.EqualTo(expected));
    }

    [TestCase("")]
    [TestCase("not json")]
    [TestCase("[1,2]")]
    [TestCase("42")]
    [TestCase("{\"ev\":5}")]
    [TestCase("{\"no\":\"ev\"}")]
    [TestCase("{\"ev\":\"finding\",")]
    [TestCase(ValidatorLineReader.Overlong)]
    public void Message_Garbage_IsNull(string line)
    {
        Assert.That(ValidatorMessage.TryParse(line), Is.Null);
    }

    [TestCase("{\"ev\":\"ready\",\"pid\":1}", "Ready")]
    [TestCase("{\"ev\":\"finding\"}", "Finding")]
    [TestCase("{\"ev\":\"swept\",\"id\":3}", "Swept")]
    [TestCase("{\"ev\":\"error\",\"fatal\":true}", "Error")]
    [TestCase("{\"ev\":\"warning\"}", "Warning")]
    [TestCase("{\"ev\":\"progress\",\"percent\":50}", "Unknown")]
    public void Message_Events(string line, string expected)
    {
        Assert.That(ValidatorMessage.TryParse(line)!.Event.ToString(), Is.EqualTo(expected));
    }

    [Test]
    public void LineReader_SplitsLines_DropsCr_KeepsTheLastUnterminatedLine()
    {
        var reader = new ValidatorLineReader(new MemoryStream(Encoding.UTF8.GetBytes("a\nbb\r\n\n\u00e9t\u00e9\nlast")));

        Assert.That(reader.ReadLine(), Is.EqualTo("a"));
        Assert.That(reader.ReadLine(), Is.EqualTo("bb"));
        Assert.That(reader.ReadLine(), Is.EqualTo(""));
        Assert.That(reader.ReadLine(), Is.EqualTo("\u00e9t\u00e9"));
        Assert.That(reader.ReadLine(), Is.EqualTo("last"));
        Assert.That(reader.ReadLine(), Is.Null);
        Assert.That(reader.ReadLine(), Is.Null);
    }

    [Test]
    public void LineReader_OverlongLine_IsSkippedWhole_NextLineIsFine()
    {
        var bytes = new MemoryStream();
        byte[] huge = new byte[ValidatorLineReader.MaxLineBytes + 10];
        System.Array.Fill(huge, (byte)'x');
        bytes.Write(huge);
        bytes.Write("\n{\"ev\":\"ready\"}\n"u8);
        bytes.Position = 0;
        var reader = new ValidatorLineReader(bytes);

        Assert.That(reader.ReadLine(), Is.EqualTo(ValidatorLineReader.Overlong));
        Assert.That(reader.ReadLine(), Is.EqualTo("{\"ev\":\"ready\"}"));
        Assert.That(reader.ReadLine(), Is.Null);
    }

    [Test]
    public void LineReader_InvalidUtf8_DoesNotThrow()
    {
        var reader = new ValidatorLineReader(new MemoryStream([0xff, 0xfe, (byte)'{', 0xc3, (byte)'\n']));

        string? line = reader.ReadLine();

        Assert.That(line, Is.Not.Null);
        Assert.That(ValidatorMessage.TryParse(line!), Is.Null);
    }
}
