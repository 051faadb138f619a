// SweepWarningWording.cs: the sentence of each validator warning shape: the one place a validator warning is put into words, for the target's runtime and the interopguard tool alike.
using System;
using System.ComponentModel;
using System.Globalization;
using InteropGuard.Findings;

namespace InteropGuard.Reporting;

/// <summary>Warning → the sentence printed after "InteropGuard: warning: the validator (pid N): " (in the target) or
/// "interopguard: warning: " (in the tool). Pure; the validator never words a warning.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SweepWarningWording
{
    /// <summary>The sentence of <paramref name="w"/>; for a warning of a shape this version does not know, its message.</summary>
    /// <param name="w">A warning read from the validator or made by it.</param>
    public static string Text(SweepWarning w) => w switch
    {
        SweepSkippedWarning s => Text($"a sweep failed and was skipped ({s.ExceptionType}: {s.ExceptionMessage})."),
        SweepFailedWarning f => Text($"sweep {f.Sweep ?? 0} failed: {f.ExceptionType}: {f.ExceptionMessage}"),
        HeapNotCheckedWarning h => Text(
            $"a garbage collection stayed in progress through {h.Attempts ?? 0} attempts; this sweep checked native memory but not the managed heap."),
        TornRecordsWarning t => Text(
            $"{t.Count ?? 0} shadow-table records were torn or implausible and were skipped (a record being written when the target stopped, or a damaged table)."),
        UnreadableMemoryWarning u => Text($"{u.Count ?? 0} table chunks or native blocks could not be read and were skipped."),
        PartialFillWarning p => Text(
            $"the target fills new native blocks only in their first {p.FillLimit ?? 0} bytes (max_malloc_fill_size; mode 2 fills them completely), so bytes past that in bigger blocks may hold what an earlier allocation left there; they are not scanned for pointers (redzones still are)."),
        KnownRetainerWarning k => Text(
            $"blocks of {k.Library} are not scanned: {KnownRetainers.Why(k.Retainer) ?? "the library is known to keep pointers it no longer uses"}."),
        HeapWordInGcReservationWarning h => Text(
            $"a native library's heap holds 0x{(h.Word ?? 0).ToString("x", CultureInfo.InvariantCulture)}, inside the GC's reservation but in no region in use; such words in library heaps are taken for data and not reported (a pointer into a region the GC released is missed)."),
        UntrackedFreesWarning u => Text(
            $"native libraries freed {u.Count ?? 0} block(s) that native-heap tracking never saw allocated (allocated before InteropGuard hooked their library, for example during its load, or by code it does not hook): pointers kept in such blocks are not checked."),
        DroppedHeapBlocksWarning d => Text(
            $"{d.Count ?? 0} native-heap blocks were left untracked because the registry's slots around them were full; raise native_heap_blocks (now {d.Capacity ?? 0})."),
        UndecidedCallbackWarning c => Text(
            $"native memory holds the function pointer of a delegate passed for one call at {c.CallSite?.Short ?? "an unknown site"}, and later calls there passed other delegates; InteropGuard follows only the latest delegate per call site and cannot tell whether this one is still alive. If native code keeps the callback, mark the P/Invoke parameter [RetainedByNative]."),
        StackWalkShortWarning k => Text(
            $"native memory holds a pointer into {k.ObjectType ?? "an object"} ({k.ObjectSize ?? 0} bytes) that no handle pins, and a thread was stopped where its stack cannot be walked to the end, with a pointer into the object beyond where its walk stopped: a fixed statement there may pin it, so this sweep left it undecided; the next sweep decides it."),
        NoSweepDeadlineWarning n => Text(
            $"no hard sweep deadline ({n.Shell} not found): a validator that is stopped or hung keeps process {n.TargetPid ?? 0} stopped until it dies; if that happens, kill the validator."),
        NoStopSentinelWarning s => Text(
            $"no stop sentinel ({s.Error}): if the validator dies during a sweep, resume the target with `kill -CONT <pid>`"),
        _ => w.Message ?? "(no message)",
    };

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
