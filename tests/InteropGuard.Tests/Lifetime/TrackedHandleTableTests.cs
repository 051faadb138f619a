// TrackedHandleTableTests.cs - the lock-free table of tracked pinned GCHandles: a take returns what the add stored and
// only once, a handle value added again replaces its stale entry, a full bucket spills into the locked dictionary and
// stays reachable, and threads adding and taking at once lose nothing. Handle values here are made up (far from the
// runtime's handle table), so the tests never meet the handles the runtime tracks.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using InteropGuard.Interception;
using NUnit.Framework;

namespace InteropGuard.Tests.Lifetime;

public sealed class TrackedHandleTableTests
{
    private static long s_next = 0x7100_0000_0000;

    private static nint NewHandle() => (nint)Interlocked.Add(ref s_next, 8);

    [Test]
    public void Take_ReturnsWhatAddStored_Once()
    {
        nint h = NewHandle();
        TrackedHandleTable.Add(h, new TrackedHandle(42, default, 0x1000));

        Assert.That(TrackedHandleTable.TryTake(h, out TrackedHandle got), Is.True);
        Assert.That(got, Is.EqualTo(new TrackedHandle(42, default, 0x1000)));
        Assert.That(TrackedHandleTable.TryTake(h, out _), Is.False, "taken already");
    }

    [Test]
    public void Take_OfAnUntrackedHandle_IsFalse()
    {
        Assert.That(TrackedHandleTable.TryTake(NewHandle(), out _), Is.False);
    }

    [Test]
    public void Add_OfAHandleValueStillThere_ReplacesTheStaleEntry()
    {
        nint h = NewHandle();
        TrackedHandleTable.Add(h, new TrackedHandle(1, default, 0x10)); // freed where no interceptor saw it
        TrackedHandleTable.Add(h, new TrackedHandle(2, default, 0x20)); // the runtime reused the value

        Assert.That(TrackedHandleTable.TryTake(h, out TrackedHandle got), Is.True);
        Assert.That(got.Id, Is.EqualTo(2UL));
        Assert.That(TrackedHandleTable.TryTake(h, out _), Is.False, "one entry per handle value");
    }

    [Test]
    public void AFullBucket_SpillsIntoTheDictionary_AndEveryHandleIsTaken()
    {
        List<nint> same = HandlesOfOneBucket(12);
        for (int i = 0; i < same.Count; i++)
        {
            TrackedHandleTable.Add(same[i], new TrackedHandle((ulong)i + 1, default, 0));
        }

        var listed = TrackedHandleTable.Snapshot().Where(p => same.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value.Id);
        Assert.That(listed, Has.Count.EqualTo(same.Count), "the snapshot lists the bucket's and the dictionary's");
        for (int i = same.Count - 1; i >= 0; i--)
        {
            Assert.That(TrackedHandleTable.TryTake(same[i], out TrackedHandle got), Is.True, $"handle {i}");
            Assert.That(got.Id, Is.EqualTo((ulong)i + 1));
        }

        Assert.That(TrackedHandleTable.Snapshot().Any(p => same.Contains(p.Key)), Is.False);
    }

    [Test]
    public void Threads_AddingAndTakingAtOnce_LoseNothing()
    {
        const int Threads = 4;
        const int PerThread = 20_000;
        int wrong = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var mine = new nint[64];
            for (int i = 0; i < PerThread; i++)
            {
                int k = i % mine.Length;
                if (mine[k] != 0)
                {
                    if (!TrackedHandleTable.TryTake(mine[k], out TrackedHandle got) || got.Pointer != mine[k] + 1)
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }

                mine[k] = NewHandle();
                TrackedHandleTable.Add(mine[k], new TrackedHandle((ulong)t, default, mine[k] + 1));
            }

            foreach (nint h in mine)
            {
                if (!TrackedHandleTable.TryTake(h, out TrackedHandle got) || got.Pointer != h + 1)
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        });

        Assert.That(wrong, Is.Zero, "every take found its own add's value");
    }

    private static List<nint> HandlesOfOneBucket(int count)
    {
        var found = new List<nint>();
        int bucket = -1;
        while (found.Count < count)
        {
            nint h = NewHandle();
            int b = TrackedHandleTable.Bucket(h);
            if (bucket < 0)
            {
                bucket = b;
            }

            if (b == bucket)
            {
                found.Add(h);
            }
        }

        return found;
    }
}
