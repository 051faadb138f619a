// ConcurrencyTests.cs - eight threads allocating, pinning, checking their own live memory, issuing handles and
// freeing, all at once: correct code must never be reported and no block or range may be lost.
using System;
using System.Collections.Generic;
using System.Threading;
using InteropGuard.Native;
using InteropGuard.Scenarios;
using InteropGuard.Tests.TestSupport;
using NUnit.Framework;

namespace InteropGuard.Tests.Robustness;

public sealed class ConcurrencyTests : GuardedFixture
{
    private const int Threads = 8;
    private const int Iterations = 2000;

    [Test]
    public void Allows_ConcurrentCorrectUse_AndLosesNothing()
    {
        // Finalizers of earlier tests' garbage must not run inside the measured window.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        IgStats before = NativeStats.Get();
        long reportsBefore = Guard.ReportCount;
        var errors = new List<Exception>();
        using var recorder = new ReportRecorder();
        using var start = new Barrier(Threads);

        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int seed = t;
            threads[t] = new Thread(() =>
            {
                try
                {
                    start.SignalAndWait();
                    Work(seed);
                }
                catch (Exception e)
                {
                    lock (errors) errors.Add(e);
                }
            }) { Name = $"ig-worker-{t}" };
            threads[t].Start();
        }
        foreach (Thread thread in threads) Assert.That(thread.Join(TimeSpan.FromMinutes(2)), Is.True, "worker hung");

        IgStats after = NativeStats.Get();
        Assert.That(errors, Is.Empty, string.Join("\n\n", errors));
        Assert.That(recorder.Violations, Is.Empty);
        Assert.That(Guard.ReportCount, Is.EqualTo(reportsBefore));
        Assert.That(after.LiveBlocks, Is.EqualTo(before.LiveBlocks), "every block allocated was freed");
        Assert.That(after.LiveBlockBytes, Is.EqualTo(before.LiveBlockBytes));
        Assert.That(after.LiveRanges, Is.EqualTo(before.LiveRanges), "every pin was released");
        Assert.That(after.TotalAllocs - before.TotalAllocs, Is.GreaterThanOrEqualTo((ulong)(Threads * Iterations)));
        Assert.That(after.TotalFrees - before.TotalFrees, Is.EqualTo(after.TotalAllocs - before.TotalAllocs));
        Assert.That(after.Reports, Is.EqualTo(before.Reports));
    }

    private static void Work(int seed)
    {
        var random = new Random(seed);
        var live = new Queue<NativeBuffer>();
        for (int i = 0; i < Iterations; i++)
        {
            var buffer = NativeBuffer.Allocate(random.Next(0, 512), i % 7 == 0 ? 64 : 0);
            Guard.Check(buffer.Pointer, buffer.Length);
            TestNative.Fill(buffer.Pointer, (nuint)buffer.Length, (byte)seed);
            live.Enqueue(buffer);

            byte[] array = new byte[random.Next(1, 256)];
            using (var pin = Guard.Pin(array))
            {
                Guard.Check(pin.Pointer, pin.Length);
                TestNative.Sum(pin.Pointer, (nuint)pin.Length);
            }

            var handle = CheckedHandle.Alloc(array);
            if (!ReferenceEquals(CheckedHandle.FromIntPtr(handle.ToIntPtr()).Target, array))
                throw new InvalidOperationException("handle returned another object");
            handle.Free();

            foreach (NativeBuffer mine in live) Guard.Check(mine.Pointer, mine.Length);
            if (live.Count > 8) live.Dequeue().Dispose();
        }
        while (live.Count > 0) live.Dequeue().Dispose();
    }
}
