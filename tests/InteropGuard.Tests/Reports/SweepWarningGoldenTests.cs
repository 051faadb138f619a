// SweepWarningGoldenTests.cs - the sentence of every validator warning shape, matched exactly (the wording the validator built before its warnings became data), and the warning line's round trip through SweepWarningJson.
using System;
using System.Linq;
using System.Text.Json;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

public sealed class SweepWarningGoldenTests
{
    private static readonly (SweepWarning Warning, string Text)[] Cases =
    [
        (new SweepSkippedWarning { ExceptionType = "InvalidOperationException", ExceptionMessage = "heap walk failed" },
            "a sweep failed and was skipped (InvalidOperationException: heap walk failed)."),
        (new SweepFailedWarning { Sweep = 7, ExceptionType = "IOException", ExceptionMessage = "broken pipe" },
            "sweep 7 failed: IOException: broken pipe"),
        (new HeapNotCheckedWarning { Attempts = 5 },
            "a garbage collection stayed in progress through 5 attempts; this sweep checked native memory but not the managed heap."),
        (new TornRecordsWarning { Count = 3 },
            "3 shadow-table records were torn or implausible and were skipped (a record being written when the target stopped, or a damaged table)."),
        (new UnreadableMemoryWarning { Count = 2 },
            "2 table chunks or native blocks could not be read and were skipped."),
        (new PartialFillWarning { FillLimit = 4096 },
            "the target fills new native blocks only in their first 4096 bytes (max_malloc_fill_size; mode 2 fills them completely), so bytes past that in bigger blocks may hold what an earlier allocation left there; they are not scanned for pointers (redzones still are)."),
        (new KnownRetainerWarning { Library = "libzstd.so.1", Retainer = "libzstd.so" },
            "blocks of libzstd.so.1 are not scanned: zstd keeps the end of the last input of a compression context (window.nextSrc) between calls and reads it only to continue a streamed frame."),
        (new HeapWordInGcReservationWarning { Word = 0x7f0200000000 },
            "a native library's heap holds 0x7f0200000000, inside the GC's reservation but in no region in use; such words in library heaps are taken for data and not reported (a pointer into a region the GC released is missed)."),
        (new UntrackedFreesWarning { Count = 12 },
            "native libraries freed 12 block(s) that native-heap tracking never saw allocated (allocated before InteropGuard hooked their library, for example during its load, or by code it does not hook): pointers kept in such blocks are not checked."),
        (new DroppedHeapBlocksWarning { Count = 40, Capacity = 65536 },
            "40 native-heap blocks were left untracked because the registry's slots around them were full; raise native_heap_blocks (now 65536)."),
        (new UndecidedCallbackWarning { CallSite = new FindingSite("App.Sort", "/src/App/Sorter.cs", 31) },
            "native memory holds the function pointer of a delegate passed for one call at Sorter.cs:31, and later calls there passed other delegates; InteropGuard follows only the latest delegate per call site and cannot tell whether this one is still alive. If native code keeps the callback, mark the P/Invoke parameter [RetainedByNative]."),
        (new StackWalkShortWarning { ObjectType = "System.Int32[]", ObjectSize = 88 },
            "native memory holds a pointer into System.Int32[] (88 bytes) that no handle pins, and a thread was stopped where its stack cannot be walked to the end, with a pointer into the object beyond where its walk stopped: a fixed statement there may pin it, so this sweep left it undecided; the next sweep decides it."),
        (new NoSweepDeadlineWarning { Shell = "/bin/bash", TargetPid = 4242 },
            "no hard sweep deadline (/bin/bash not found): a validator that is stopped or hung keeps process 4242 stopped until it dies; if that happens, kill the validator."),
        (new NoStopSentinelWarning { Error = "No such file or directory" },
            "no stop sentinel (No such file or directory): if the validator dies during a sweep, resume the target with `kill -CONT <pid>`"),
    ];

    [Test]
    public void EveryShape_HasItsSentence()
    {
        foreach ((SweepWarning w, string text) in Cases)
        {
            Assert.That(SweepWarningWording.Text(w), Is.EqualTo(text), w.Shape);
        }
    }

    [Test]
    public void EveryShape_HasAGoldenCase()
    {
        Assert.That(SweepWarningJson.ShapeNames, Is.EquivalentTo(Cases.Select(c => c.Warning.Shape)), "a warning shape without a golden sentence");
    }

    [Test]
    public void EveryShape_RoundTripsThroughItsLine()
    {
        foreach ((SweepWarning w, string text) in Cases)
        {
            string line = w.ToJson();
            Assert.That(line, Does.StartWith("{\"ev\":\"warning\",\"shape\":\"" + w.Shape + "\""));
            using JsonDocument doc = JsonDocument.Parse(line);
            SweepWarning? read = SweepWarningJson.Read(doc.RootElement);
            Assert.That(read, Is.EqualTo(w), line);
            Assert.That(SweepWarningWording.Text(read!), Is.EqualTo(text));
        }
    }

    [Test]
    public void AWarningOfUnknownShape_IsShownByItsMessage()
    {
        using JsonDocument doc = JsonDocument.Parse("{\"ev\":\"warning\",\"shape\":\"from-the-future\",\"message\":\"something new\",\"count\":3}");
        Assert.That(SweepWarningWording.Text(SweepWarningJson.Read(doc.RootElement)!), Is.EqualTo("something new"));
        using JsonDocument bare = JsonDocument.Parse("{\"ev\":\"warning\"}");
        Assert.That(SweepWarningWording.Text(SweepWarningJson.Read(bare.RootElement)!), Is.EqualTo("(no message)"));
    }
}
