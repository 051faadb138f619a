// FindingKindsAgreeTests.cs - the kinds the validator names (FindingKinds' fields) are the one list of sweep kinds
// (Findings/SweepKinds), which the runtime's shape table also reads: a kind added on one side only fails here.
using System.Linq;
using System.Reflection;
using InteropGuard.Findings;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Table;

public sealed class FindingKindsAgreeTests
{
    [Test]
    public void EveryNamedKind_IsInTheSweepKinds_AndEverySweepKindIsNamed()
    {
        string[] named = typeof(FindingKinds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(string))
            .Select(f => (string)f.GetValue(null)!)
            .ToArray();
        string[] sweep = SweepKinds.All.Select(ViolationKinds.GetName).ToArray();

        Assert.That(named, Is.EquivalentTo(sweep));
        Assert.That(FindingKinds.All, Is.EqualTo(sweep));
    }
}
