// AddressReasonsTests.cs: the validator's reason codes are worded by the target: every code has its words, a stack-walk-short one names its thread, and a code the target does not know is shown as it came.
using System.Linq;
using InteropGuard.Findings;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

[TestFixture]
public sealed class AddressReasonsTests
{
    [Test]
    public void EveryCodeIsKebabCase_AndHasItsOwnWords()
    {
        Assert.That(AddressReasons.Codes, Is.Not.Empty);
        foreach (string code in AddressReasons.Codes)
        {
            Assert.That(code, Does.Match("^[a-z]+(-[a-z]+)*$"), "a code is data: lower-case words joined by '-'");
            Assert.That(AddressReasons.Words(code), Does.Not.StartWith("reason '"), code);
        }

        Assert.That(AddressReasons.Codes.Select(c => AddressReasons.Words(c, 1)).Distinct().Count(), Is.EqualTo(AddressReasons.Codes.Count),
            "no two codes share their words");
    }

    [Test]
    public void Words_NameTheThreadOfAStackWalkShortVerdict()
    {
        Assert.That(AddressReasons.Words(AddressReasons.StackWalkShort, 12),
            Is.EqualTo("thread 12 was stopped where its stack walk stops short, and its stack beyond holds a pointer into the object"));
        Assert.That(AddressReasons.Words(AddressReasons.FreeSpace), Is.EqualTo("free space between objects"));
    }

    [Test]
    public void Words_ShowAnUnknownCodeAsItCame_AndSayWhenThereIsNone()
    {
        Assert.That(AddressReasons.Words("newer-reason"), Is.EqualTo("reason 'newer-reason'"));
        Assert.That(AddressReasons.Words(null), Is.EqualTo("no reason given"));
        Assert.That(AddressReasons.Words(""), Is.EqualTo("no reason given"));
    }
}
