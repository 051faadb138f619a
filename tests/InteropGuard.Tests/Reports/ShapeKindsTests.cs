// ShapeKindsTests.cs - the shape → kinds table (Violations/ShapeKinds) against the kind table and the shape records: every
// kind has a shape, every shape record has a row, and every shape the report corpus builds carries a kind of its row.
using System;
using System.Collections.Generic;
using System.Linq;
using InteropGuard.Violations;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

public sealed class ShapeKindsTests
{
    /// <summary>The violations whose kind their shape's row does not allow, as "Shape: kind".</summary>
    private static List<string> Mismatches(IEnumerable<Violation> violations) =>
        violations.Where(v => !ShapeKinds.Allows(v.GetType(), v.Kind)).Select(v => v.GetType().Name + ": " + v.KindName).ToList();

    [Test]
    public void EveryKind_HasAShape()
    {
        ViolationKind[] kinds = Enum.GetValues<ViolationKind>().Where(k => k != ViolationKind.None).ToArray();
        Assert.That(kinds, Has.Length.EqualTo(ViolationKinds.Count - 1), "the enum and the kind table disagree");
        ViolationKind[] orphans = kinds.Where(k => !ShapeKinds.Shapes.Any(s => ShapeKinds.Allows(s, k))).ToArray();
        Assert.That(orphans, Is.Empty, "a kind no shape record may carry: add it to a row of ShapeKinds (and word it)");
    }

    [Test]
    public void EveryShapeRecord_HasARow_AndNoRowAllowsNone()
    {
        Type[] declared = Array.FindAll(typeof(Violation).Assembly.GetTypes(), t => t.IsSubclassOf(typeof(Violation)) && !t.IsAbstract);
        Assert.That(declared, Has.Length.GreaterThan(10), "the shape records were not found");
        Assert.That(declared.Where(t => ShapeKinds.Of(t).Count == 0).Select(t => t.Name), Is.Empty, "a shape record without a row in ShapeKinds");
        Assert.That(ShapeKinds.Shapes.Except(declared).Select(t => t.Name), Is.Empty, "a row for a type that is no shape record");
        Assert.That(ShapeKinds.Shapes.Where(s => ShapeKinds.Allows(s, ViolationKind.None)).Select(t => t.Name), Is.Empty);
    }

    [Test]
    public void EveryShapeTheCorpusBuilds_CarriesAKindOfItsRow()
    {
        List<Violation> corpus = ReportCorpusGoldenTests.Corpus().Select(c => c.V).ToList();
        Assert.That(corpus.Select(v => v.GetType()).Distinct().Count(), Is.EqualTo(ShapeKinds.Shapes.Count()), "the corpus builds every shape");
        Assert.That(Mismatches(corpus), Is.Empty);
    }

    [Test]
    public void Detects_AShapeBuiltWithAKindOutsideItsRow()
    {
        var wrong = new Violation[]
        {
            new FreeViolation(ViolationKind.UseAfterUnpin, 0x10),
            new PointerAtCallViolation(ViolationKind.HandleReleasedInUse, 0x10),
            new DamagedRedzoneViolation(ViolationKind.NativeUseAfterFree, 0x10),
        };
        Assert.That(Mismatches(wrong), Is.EqualTo(new[]
        {
            "FreeViolation: use-after-unpin", "PointerAtCallViolation: handle-released-in-use", "DamagedRedzoneViolation: native-use-after-free",
        }));
    }

    [Test]
    public void Allows_EachKindOfARow()
    {
        var right = new Violation[]
        {
            new FreeViolation(ViolationKind.DoubleFree, 0x10),
            new FreeViolation(ViolationKind.InvalidFree, 0x10),
            new FreeViolation(ViolationKind.NativeBufferOverflow, 0x10),
            new PointerAtCallViolation(ViolationKind.ArrayPoolUseAfterReturn, 0x10),
            new DamagedRedzoneViolation(ViolationKind.NativeBufferOverflow, 0x10),
        };
        Assert.That(Mismatches(right), Is.Empty);
    }
}
