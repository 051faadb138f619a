// RangeIndexMemoTests.cs: an index kept between builds (RangeIndexMemo) answers as one built from scratch after slots are added, freed, evicted and moved.
using System;
using System.Collections.Generic;
using InteropGuard.Validator.Scan;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Tests.Table;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Scan;

public sealed class RangeIndexMemoTests
{
    [Test]
    public void AfterEveryChange_TheKeptIndexAnswersAsAFreshOne()
    {
        using var table = new ShadowTableReaderTests.FakeTable(slotLimit: 512);
        var random = new Random(23);
        var live = new RangeIndexMemo();
        var dead = new RangeIndexMemo();
        ulong seq = 1;
        for (int round = 0; round < 8; round++)
        {
            // Round 0 fills; later rounds change a few slots each: freed, evicted, reused elsewhere, new.
            int changes = round == 0 ? 400 : 12;
            for (int i = 0; i < changes; i++)
            {
                ulong slot = (ulong)random.Next(512);
                ulong start = 0x100000UL + (ulong)random.Next(4096) * 64;
                switch (random.Next(3))
                {
                    case 0:
                        table.Clear(slot);
                        break;
                    case 1:
                        table.Record(slot, start, (ulong)random.Next(1, 512), TableLayout.KindNativeBlock, TableLayout.StateFreed, seq++);
                        break;
                    default:
                        table.Record(slot, start, (ulong)random.Next(0, 512), TableLayout.KindNativeRegion, TableLayout.StateLive, seq++);
                        break;
                }
            }

            var slots = new List<int>();
            List<RangeRecord> records = table.Read(slots);
            var places = new byte[records.Count];
            var freshLive = new List<(ulong, ulong, ulong, int)>();
            var freshDead = new List<(ulong, ulong, ulong, int)>();
            for (int p = 0; p < records.Count; p++)
            {
                RangeRecord r = records[p];
                places[p] = r.IsLive ? RangeIndexMemo.Live : RangeIndexMemo.Dead;
                (r.IsLive ? freshLive : freshDead).Add((r.Start, Math.Max(r.End, r.Start + 1), r.AllocSeq, p));
            }

            RangeIndex keptLive = live.Build(records, slots, places, RangeIndexMemo.Live, table.Reader);
            RangeIndex keptDead = dead.Build(records, slots, places, RangeIndexMemo.Dead, table.Reader);
            AssertSame(keptLive, new RangeIndex(freshLive), round);
            AssertSame(keptDead, new RangeIndex(freshDead), round);
            if (round > 0)
            {
                Assert.That(dead.Kept, Is.GreaterThan(dead.Added), "most intervals carry over from the last build");
            }
        }
    }

    private static void AssertSame(RangeIndex kept, RangeIndex fresh, int round)
    {
        Assert.That((kept.Count, kept.Lo, kept.Hi), Is.EqualTo((fresh.Count, fresh.Lo, fresh.Hi)), $"round {round}");
        for (ulong a = 0x100000UL - 64; a < 0x100000UL + 4096 * 64 + 1024; a += 8)
        {
            Assert.That(kept.Find(a), Is.EqualTo(fresh.Find(a)), $"round {round}, address 0x{a:x}");
        }
    }
}
