// StackWalkCases.cs: a thread stopped where the validator's stack walk cannot reach its managed frames (cooperative mode in native code) never makes an object its `fixed` pins look unpinned; a real unpinned pointer is still reported once the thread can be walked.
using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using InteropGuard.Findings;
using InteropGuard.Validator.Heap;
using InteropGuard.Validator.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Checks;

[TestFixture]
[Parallelizable(ParallelScope.None)]
public sealed class StackWalkCases
{
    [Test]
    public void Allows_FixedOnAThreadBlockedInCooperativeMode_AndSaysTheSweepLeftItUndecided()
    {
        using TargetChild child = TargetChild.Start("fixed-cooperative", bug: false, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        for (int i = 1; i <= 3; i++)
        {
            SweepResult blocked = sweeper.Sweep(SweepReason.Demand, i);
            Assert.That(blocked.Findings, Is.Empty, "sweep " + i + ": the thread's fixed pins the array, though its walk reaches no frame; " + SweepRun.Describe(blocked));
            if (i == 1)
            {
                Assert.That(blocked.Warnings.OfType<StackWalkShortWarning>().Select(w => w.ObjectType), Is.EqualTo(new[] { "System.Byte[]" }), SweepRun.Describe(blocked));
            }
            else
            {
                Assert.That(blocked.StackReuses, Is.GreaterThan(0), "the blocked thread's roots and unwalked stack are reused");
            }
        }

        ulong kept = Kept(child);
        AddressVerdict undecided = sweeper.Classify([kept], out _).Single();
        Assert.That(undecided.Verdict, Is.EqualTo(AddressClass.Unknown), undecided.ToString());
        Assert.That(undecided.Why, Is.EqualTo(AddressReasons.StackWalkShort), undecided.ToString());
        Assert.That(undecided.Thread, Is.Not.Zero, "the verdict names the thread whose walk stopped short: " + undecided);

        child.Next(); // the thread returns to managed code and waits there, still inside fixed
        SweepResult waiting = sweeper.Sweep(SweepReason.Demand, 4);
        Assert.That(waiting.Findings, Is.Empty, SweepRun.Describe(waiting));
        AddressVerdict pinned = sweeper.Classify([kept], out _).Single();
        Assert.That(pinned.Verdict, Is.EqualTo(AddressClass.Pinned), pinned.ToString());
        Assert.That(pinned.Why, Is.EqualTo(AddressReasons.PinnedStackRoot), pinned.ToString());
    }

    [Test]
    public void Detects_UnpinnedPointer_OnceTheThreadCanBeWalked()
    {
        using TargetChild child = TargetChild.Start("fixed-cooperative", bug: true, null);
        using Sweeper sweeper = Sweeper.Open(child.Pid, child.Table);
        SweepResult blocked = sweeper.Sweep(SweepReason.Demand, 1);
        Assert.That(blocked.Findings.Select(f => f.Kind), Is.All.EqualTo(FindingKinds.UnpinnedManagedPointer), SweepRun.Describe(blocked));

        child.Next();
        SweepResult waiting = sweeper.Sweep(SweepReason.Demand, 2);
        Assert.That(blocked.Findings.Concat(waiting.Findings).Select(f => f.Kind), Is.EqualTo(new[] { FindingKinds.UnpinnedManagedPointer }),
            "reported once, at the latest when the thread waits in managed code; " + SweepRun.Describe(waiting));
        AddressVerdict unpinned = sweeper.Classify([Kept(child)], out _).Single();
        Assert.That(unpinned.Verdict, Is.EqualTo(AddressClass.Unpinned), unpinned.ToString());
    }

    [Test]
    public void Detects_IsOff_WithDetectOption()
    {
        SweepResult[] phases = SweepRun.Phases("fixed-cooperative", bug: true, 2, "detect_unpinned_managed_pointer=0");
        Assert.That(phases.SelectMany(p => p.Findings), Is.Empty, SweepRun.Describe(phases[1]));
    }

    [Test]
    public void UnwalkedStack_CountsAPointerIntoTheObject_ButNotASlotTheWalkReported()
    {
        const ulong start = 0x7000_0000_1000;
        byte[] stack = new byte[64];
        BitConverter.TryWriteBytes(stack.AsSpan(16), 0x5000_0010UL); // inside [0x5000_0000, 0x5000_0040)
        BitConverter.TryWriteBytes(stack.AsSpan(40), 0x6000_0000UL); // another object

        Assert.That(new UnwalkedStack(1, start, stack, 0, []).Holds(0x5000_0000, 0x5000_0040), Is.True, "a pointer into the object");
        Assert.That(new UnwalkedStack(1, start, stack, 0, [start + 16]).Holds(0x5000_0000, 0x5000_0040), Is.False, "a slot the walk reported as a root");
        Assert.That(new UnwalkedStack(1, start + 24, stack, 24, []).Holds(0x5000_0000, 0x5000_0040), Is.False, "below the unwalked part (a frame the walk reached)");
        Assert.That(new UnwalkedStack(1, start, stack, 0, []).Holds(0x5000_0040, 0x5000_0080), Is.False, "past the object's end");
        Assert.That(new UnwalkedStack(1, 0, null, 0, []).Holds(0x5000_0000, 0x5000_0040), Is.True, "a stack that could not be read may hide anything");
    }

    private static ulong Kept(TargetChild child)
    {
        Match m = Regex.Match(child.Stderr, "kept=0x([0-9a-f]+)");
        Assert.That(m.Success, Is.True, "the target prints the kept pointer: " + child.Stderr);
        return ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
