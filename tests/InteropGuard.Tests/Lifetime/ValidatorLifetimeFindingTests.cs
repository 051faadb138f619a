// ValidatorLifetimeFindingTests.cs - the target side of the validator's lifetime findings: a finding line for a string
// pin kept past its release suggests NativeBuffer.FromString or keeping the pin, use-after-unmap is accepted and worded
// for views, a released callback's entry names its sites; a finding without the string flag keeps the plain pin hint.
using System.Text.Json;
using InteropGuard.Native;
using InteropGuard.Validation;
using InteropGuard.Violations;
using NUnit.Framework;

namespace InteropGuard.Tests.Lifetime;

public sealed class ValidatorLifetimeFindingTests
{
    private const string Sites = "\"allocSite\":{\"function\":\"Bind\",\"file\":\"/src/Db.cs\",\"line\":12},\"releaseSite\":{\"function\":\"Bind\",\"file\":\"/src/Db.cs\",\"line\":14}";

    private static Violation Parse(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        Violation? v = ValidatorFindingParser.ToViolation(doc.RootElement, new TargetSweepOrigin(1, 1, 1), out string? bad);
        Assert.That(bad, Is.Null);
        return v!;
    }

    [Test]
    public void Detects_StringPinKeptPastRelease_SuggestsACopyOrKeepingThePin()
    {
        Violation v = Parse("{\"ev\":\"finding\",\"kind\":\"use-after-unpin\",\"address\":\"0x7f0000001012\",\"size\":8,\"holder\":\"native-block\"," +
            "\"holderAddress\":\"0x600010\",\"holderStart\":\"0x600000\",\"holderSize\":64,\"rangeKind\":\"managed-pin\",\"rangeFlags\":\"0x10000\"," +
            "\"rangeStart\":\"0x7f0000001010\",\"rangeSize\":80," + Sites + "}");

        Assert.That(v.RangeFlags, Is.EqualTo(IgConstants.FlagManagedString));
        string report = v.ToString();
        Assert.That(report, Does.Contain("80-byte pinned string"));
        Assert.That(report, Does.Contain("HINT: native code still holds a pointer into a pinned string").And.Contain("NativeBuffer.FromString(text, Encoding.UTF8)").And.Contain("keep the Pin (RetainedByNative())"));
    }

    [Test]
    public void Allows_PlainPinFinding_KeepsThePinHint()
    {
        Violation v = Parse("{\"ev\":\"finding\",\"kind\":\"use-after-unpin\",\"address\":\"0x7f0000001012\",\"rangeKind\":\"managed-pin\"," +
            "\"rangeStart\":\"0x7f0000001010\",\"rangeSize\":80," + Sites + "}");

        Assert.That(v.RangeFlags, Is.Zero);
        Assert.That(v.ToString(), Does.Not.Contain("NativeBuffer.FromString").And.Contain("pinned managed range"));
    }

    [Test]
    public void Detects_UseAfterUnmapFinding_IsAcceptedAndWordedForViews()
    {
        Violation v = Parse("{\"ev\":\"finding\",\"kind\":\"use-after-unmap\",\"address\":\"0x7f0000002000\",\"holder\":\"native-block\"," +
            "\"holderAddress\":\"0x600018\",\"holderStart\":\"0x600000\",\"holderSize\":64,\"rangeKind\":\"mapped-view\"," +
            "\"rangeStart\":\"0x7f0000001000\",\"rangeSize\":65536,\"sinceReleaseMs\":3.5," + Sites + "}");

        Assert.That(v.Kind, Is.EqualTo(ViolationKind.UseAfterUnmap));
        string report = v.ToString();
        Assert.That(report, Does.Contain("View mapped by:").And.Contain("View unmapped by:"));
        Assert.That(report, Does.Contain("HINT: native code still holds a pointer into a mapped view that was released"));
        Assert.That(report, Does.Contain("HINT: to turn this check off set INTEROPGUARD_OPTIONS=detect_use_after_unmap=0"));
    }

    [Test]
    public void Detects_ReleasedCallbackFinding_NamesItsSites()
    {
        Violation v = Parse("{\"ev\":\"finding\",\"kind\":\"collected-delegate-callback\",\"address\":\"0x7f0000003000\",\"holder\":\"native-block\"," +
            "\"holderAddress\":\"0x600008\",\"holderStart\":\"0x600000\",\"holderSize\":64,\"rangeKind\":\"callback\"," +
            "\"rangeStart\":\"0x7f0000003000\",\"rangeSize\":1," + Sites + "}");

        string report = v.ToString();
        Assert.That(report, Does.Contain("Callback created by:").And.Contain("Callback released by:"));
        Assert.That(report, Does.Contain("hold it in Guard.Callback(...)"));
    }
}
