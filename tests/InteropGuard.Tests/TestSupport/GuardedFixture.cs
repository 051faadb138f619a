// GuardedFixture.cs - base of the in-process detection tests: they need the runtime enabled (mode 1 or 2 and
// libinteropguard.so loaded) and say so plainly when it is not.
using NUnit.Framework;

namespace InteropGuard.Tests.TestSupport;

/// <summary>Fails every test of the fixture with one clear message when the guard is not active.</summary>
public abstract class GuardedFixture
{
    [OneTimeSetUp]
    public void RequireGuard()
    {
        Assert.That(Guard.Mode, Is.Not.EqualTo(GuardMode.Off), "the test process runs with INTEROPGUARD=0; unset it");
        Assert.That(Guard.IsEnabled, Is.True, "libinteropguard.so did not load; build native/ (cmake) before the tests");
    }

    /// <summary>Runs <paramref name="code"/>, asserts it throws InteropViolationException, returns the violation.</summary>
    protected static Violation Catch(System.Action code)
    {
        var exception = Assert.Throws<InteropViolationException>(code)!;
        Assert.That(exception.Violation, Is.Not.Null);
        return exception.Violation;
    }

    /// <summary>Asserts the site was recorded at <paramref name="line"/> of this test file in <paramref name="member"/>.</summary>
    protected static void AssertSite(SourceSite? site, string file, int line, string member, string what)
    {
        Assert.That(site, Is.Not.Null, $"{what}: no site recorded");
        Assert.That(site!.File, Is.EqualTo(file), $"{what}: file");
        Assert.That(site.Line, Is.EqualTo(line), $"{what}: line");
        Assert.That(site.Member, Does.EndWith(member), $"{what}: member");
    }
}
