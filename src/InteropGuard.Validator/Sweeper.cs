// Sweeper.cs: the validator's engine: opens a target once, then sweeps it on request (stop, check, resume) and reports each finding once.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using InteropGuard.Findings;
using InteropGuard.Validator.Heap;
using InteropGuard.Validator.Scan;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Target;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator;

/// <summary>Sweeps one target process. Each <see cref="Sweep"/> stops the target's threads (<see cref="ThreadStop"/>),
/// reads its shadow table and GC heap through the ClrMD runtime kept since <see cref="Open"/> (refreshed at every stop:
/// <see cref="LiveTarget"/>), and resumes it; no thread stays traced between sweeps. Not thread-safe: one sweep at a
/// time, each on one thread (the thread that stops the target is the one that may read its registers).
/// Cost per sweep: see docs/design/validator.md (grows with native bytes scanned, pins and threads, not heap size).</summary>
public sealed class Sweeper : IDisposable
{
    /// <summary>How often a sweep is retried when the GC is in the middle of a collection (target resumed in between).</summary>
    public const int MaxRetries = 5;

    private readonly ShadowTableReader _table;
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private readonly StopSentinel _sentinel;
    private StackRootCache _stackRoots = new();
    private LiveTarget? _live;
    private readonly PinnedHandleSlots _handleSlots = new();
    private readonly TypeNames _typeNames = new();
    private RangeIndexMemo _liveIndex = new();
    private RangeIndexMemo _deadIndex = new();
    private readonly List<RangeRecord> _runningRecords = new();
    private readonly List<RangeRecord> _stopRecords = new();
    private readonly List<int> _runningSlots = new();
    private readonly List<int> _stopSlots = new();
    private bool _disposed;
    private long _sweeps;

    private Sweeper(int pid, ulong tableAddress, ValidatorSettings settings, double warmupMs, StopSentinel sentinel, LiveTarget live)
    {
        _sentinel = sentinel;
        _live = live;
        ProcessId = pid;
        TableAddress = tableAddress;
        Settings = settings;
        WarmupMs = warmupMs;
        _table = new ShadowTableReader(tableAddress, pid);
    }

    /// <summary>The target's pid.</summary>
    public int ProcessId { get; }

    /// <summary>The address of the target's table header (found through the export when 0 was passed to <see cref="Open"/>).</summary>
    public ulong TableAddress { get; }

    /// <summary>What is checked and reported.</summary>
    public ValidatorSettings Settings { get; }

    /// <summary>False: every stop walks every thread's stack (the benchmark's side-by-side baseline); true (default): a
    /// thread whose registers and stack did not change since the previous stop keeps its roots (<see cref="StackRootCache"/>).</summary>
    internal bool ReuseStackRoots { get; set; } = true;

    /// <summary>True (default): every stop uses the runtime kept since <see cref="Open"/>; false: every stop is ClrMD's
    /// suspended attach with a runtime of its own (what every stop did before; the benchmark's side-by-side baseline).</summary>
    internal bool KeepRuntime { get; set; } = true;

    /// <summary>True (default): InteropGuard's native blocks are read while the target runs and the stop re-reads their
    /// candidate words (<see cref="BlockPlan"/>; not in the exit sweep, which scans every block stopped);
    /// false: every block is scanned in the stop (the benchmark's side-by-side baseline).</summary>
    internal bool PrescanBlocks { get; set; } = true;

    /// <summary>True (default): a retained pin seen pinned by a handle at an earlier stop is confirmed by one read of that
    /// handle's slot (<see cref="PinnedHandleSlots"/>); false: every stop that asks enumerates the handles (the
    /// benchmark's side-by-side baseline).</summary>
    internal bool RememberHandleSlots { get; set; } = true;

    /// <summary>True (default): the stop's live and dead range indexes are kept between stops and brought up to date
    /// before the stop from the running target's table, so the stop sorts only the ranges that changed since
    /// (<see cref="RangeIndexMemo"/>); false: every stop builds them from scratch (the benchmark's side-by-side baseline).</summary>
    internal bool KeepIndexes { get; set; } = true;

    /// <summary>True: each sweep times its stop phase by phase (<see cref="SweepResult.Phases"/>; the verbosity=2 log
    /// line). Default: <c>verbosity</c> ≥ 2.</summary>
    internal bool ProfileStops { get; set; }

    /// <summary>The pinned handles' slots remembered between stops (for tests).</summary>
    internal PinnedHandleSlots HandleSlots => _handleSlots;

    /// <summary>How many blocks the last sweep read before its stop (0: no plan; for tests).</summary>
    internal int LastBlockPlan { get; private set; }

    /// <summary>Milliseconds <see cref="Open"/> took (attach, runtime, table; the protocol's <c>warmupMs</c>).</summary>
    public double WarmupMs { get; }

    /// <summary>Opens a target: stops it briefly, finds and validates the table, creates the ClrMD runtime that every later
    /// stop reuses (a passive attach: nothing stays traced), resumes it.</summary>
    /// <param name="pid">The target process.</param>
    /// <param name="tableAddress">The address of its <c>ig_table_header_t</c> (the value of <c>ig_shadow_table</c>); 0 = find it
    /// through the export of libinteropguard.so in the target.</param>
    /// <param name="settings">What to check; null = <see cref="ValidatorSettings.Default"/>. Its <c>validator_timeout_ms</c>
    /// is the hard deadline of every stop: a stop that lasts longer (this process stopped or hung) gets this process
    /// killed by its stop sentinel, which then resumes the target.</param>
    /// <param name="notice">Where the sentinel says why, when it kills this process: stderr (default) or, for
    /// <c>serve</c>, a fatal <c>error</c> event on stdout.</param>
    /// <exception cref="ValidatorException">The process is gone or not .NET, ptrace refused the attach, or there is no valid
    /// table; the message says the fix.</exception>
    public static Sweeper Open(int pid, ulong tableAddress, ValidatorSettings? settings = null, StopNotice notice = StopNotice.Log)
    {
        settings ??= ValidatorSettings.Default;
        var watch = Stopwatch.StartNew();
        ulong address = tableAddress;
        // Before the first stop: if this process dies while the target is stopped, the sentinel resumes it.
        StopSentinel sentinel = StopSentinel.Start(pid, settings.TimeoutMs, notice);
        (ulong Lo, ulong Hi) reserved;
        LiveTarget live;
        try
        {
            address = OpenStopped(pid, address, sentinel, out reserved, out live);
        }
        catch
        {
            sentinel.Dispose();
            throw;
        }

        return new Sweeper(pid, address, settings, watch.Elapsed.TotalMilliseconds, sentinel, live)
        {
            ReservedRange = reserved,
            ProfileStops = settings.Verbosity >= 2,
        };
    }

    private static ulong OpenStopped(int pid, ulong address, StopSentinel sentinel, out (ulong Lo, ulong Hi) reserved, out LiveTarget live)
    {
        if (!System.IO.Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
        {
            throw new ValidatorException(ValidatorErrorKind.TargetUnavailable,
                $"process {pid} does not exist (it exited, or the pid is wrong).");
        }

        sentinel.StopBegins();
        ThreadStop? threads = null;
        LiveTarget? made = null;
        try
        {
            threads = ThreadStop.Begin(pid);
            made = LiveTarget.Open(pid);
            DataTarget target = made.Target;
            var memory = new TargetMemory(target.DataReader, pid);
            if (address == 0)
            {
                address = TargetProcess.FindTable(target, memory, pid);
            }

            new ShadowTableReader(address, pid).ReadHeader(memory); // throws when it is not a table
            ClrRuntime runtime = made.Refresh();
            _ = runtime.Heap.Segments.Length; // warm the DAC and the heap's code paths
            reserved = HeapView.FixedReservation(runtime.Heap);
            live = made;
            made = null;
        }
        finally
        {
            made?.Dispose();
            threads?.Dispose();
            sentinel.StopEnded();
        }

        return address;
    }

    /// <summary>Runs one sweep and returns the findings not reported before (and enabled by their <c>detect_</c> option).
    /// The target is resumed before this returns, also when it throws.</summary>
    /// <param name="reason">Why (exit: every live pin is a leak when detect_leaked_pin=1).</param>
    /// <param name="id">The sweep id the findings carry (the protocol's id; 0 for timer sweeps).</param>
    /// <exception cref="ValidatorException">The target exited, refuses the attach, or its table became invalid.</exception>
    public SweepResult Sweep(SweepReason reason, long id = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = new SweepResult(id, reason) { Number = ++_sweeps, Phases = ProfileStops ? new StopPhases() : StopPhases.Off };
        if (_sentinel.Problem is { } problem)
        {
            Warn(result, "stop-sentinel", problem);
        }

        List<LibraryData> libraries = LibraryDataRegions.Find(ProcessId); // before the stop: /proc reads need no pause
        RunningTable? running = RunningTable.Read(ProcessId, _table, _runningRecords, _runningSlots); // the table as the running target shows it, for both plans
        NativeHeapPlan? nativeHeap = NativeHeapPlan.Prepare(ProcessId, running, ReservedRange); // native heap: read while running
        BlockPlan? blocks = PrescanBlocks && reason != SweepReason.Exit ? BlockPlan.Prepare(running, ReservedRange) : null;
        LastBlockPlan = blocks?.Count ?? 0;
        if (!KeepIndexes)
        {
            (_liveIndex, _deadIndex) = (new RangeIndexMemo(), new RangeIndexMemo());
        }
        else if (running is not null)
        {
            SweepPass.PrepareIndexes(running, _table, _liveIndex, _deadIndex); // the stop then sorts only what changed since
        }

        if (!ReuseStackRoots)
        {
            _stackRoots = new StackRootCache();
        }

        _stackRoots.ReadMappings(ProcessId); // before the stop, like the libraries: where the threads' stacks end
        long walked = _stackRoots.Walked, reused = _stackRoots.Reused;
        var raw = new List<Finding>();
        for (int attempt = 0; ; attempt++)
        {
            raw.Clear();
            bool useHeap = attempt < MaxRetries;
            SweepResult scratch = new(id, reason);
            bool done;
            double pauseMs, cpuMs;
            int torn, unreadable;
            try
            {
                done = StopAndCheck(libraries, nativeHeap, blocks, useHeap, scratch, raw, result.Phases, out pauseMs, out cpuMs, out torn, out unreadable);
            }
            catch (Exception e) when (e is not ValidatorException and not OutOfMemoryException)
            {
                // Not a known failure (a ClrMD error on a half-updated heap, a bug of ours): this sweep is lost, the next may work.
                if (!System.IO.Directory.Exists("/proc/" + ProcessId.ToString(CultureInfo.InvariantCulture)))
                {
                    throw new ValidatorException(ValidatorErrorKind.TargetUnavailable, $"process {ProcessId} exited.", e);
                }

                Warn(result, "failed:" + e.GetType().Name, new SweepSkippedWarning { ExceptionType = e.GetType().Name, ExceptionMessage = e.Message });
                DropRuntime(); // not trusted after a failure: the next stop makes a new one
                return result;
            }

            result.PauseMs += pauseMs;
            result.StopCpuMs += cpuMs;
            if (!done)
            {
                result.Retries++;
                Thread.Sleep(2 + attempt * 2); // let the GC finish
                continue;
            }

            CopyCounts(scratch, result);
            foreach ((string key, SweepWarning note) in scratch.PassNotes)
            {
                Warn(result, key, note);
            }

            result.HeapChecked = useHeap;
            if (!useHeap)
            {
                Warn(result, "gc", new HeapNotCheckedWarning { Attempts = MaxRetries });
            }

            if (torn > 0)
            {
                Warn(result, "torn", new TornRecordsWarning { Count = torn });
            }

            if (unreadable > 0)
            {
                Warn(result, "unreadable", new UnreadableMemoryWarning { Count = unreadable });
            }

            break;
        }

        result.StackWalks = _stackRoots.Walked - walked;
        result.StackReuses = _stackRoots.Reused - reused;
        foreach (Finding f in raw)
        {
            if (Settings.IsEnabled(f.Kind ?? "") && _reported.Add(Key(f)))
            {
                result.FindingList.Add(f with { Sweep = id, SweepNumber = result.Number });
            }
        }

        return result;
    }

    /// <summary>Classifies the addresses a call's nested pointers hold (the protocol's <c>classify</c>): stops the target
    /// once, builds a <see cref="HeapView"/> and asks it about each address. The stop is taken again (the target resumed in
    /// between) while a GC is in progress, and while an address would be unpinned but the stack walk of some thread stopped
    /// short (<see cref="ThreadWalk"/>: a <c>fixed</c> there may pin it); an address still in either state after
    /// <see cref="MaxRetries"/> stops is answered <see cref="AddressClass.Unknown"/>. The target is resumed before this
    /// returns. Cost: the stop and the runtime (a few ms warm) plus, for an address in an object no handle pins, the pinned
    /// stack roots.</summary>
    /// <param name="addresses">The values to classify.</param>
    /// <param name="pauseMs">How long the target was stopped, over all attempts.</param>
    /// <exception cref="ValidatorException">The target exited or refuses the attach.</exception>
    public IReadOnlyList<AddressVerdict> Classify(IReadOnlyList<ulong> addresses, out double pauseMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        pauseMs = 0;
        _stackRoots.ReadMappings(ProcessId);
        AddressVerdict[]? verdicts = null;
        for (int attempt = 0; attempt < MaxRetries; attempt++)
        {
            if (TryClassifyStopped(addresses, ref pauseMs) is { } answered)
            {
                verdicts = answered;
                if (Array.TrueForAll(verdicts, v => v.Verdict != AddressClass.Unknown))
                {
                    return verdicts;
                }
            }

            Thread.Sleep(2 + attempt * 2); // let the GC finish, or the thread reach a place its stack can be walked from
        }

        var last = new AddressVerdict[addresses.Count];
        for (int i = 0; i < addresses.Count; i++)
        {
            last[i] = verdicts?[i] ?? new AddressVerdict(addresses[i], AddressClass.Unknown, 0, null, 0, AddressReasons.GcInProgress);
        }

        return last;
    }

    /// <summary>One stop of <see cref="Classify"/>: the verdicts (an undecided one as <see cref="AddressClass.Unknown"/>
    /// with its reason), or null when a GC was in progress.</summary>
    // Stops the target with the stop sentinel told first: if this process dies while the target is stopped, the
    // sentinel resumes it. A stop that fails to begin is an ended stop.
    private TargetStop BeginStop(StopPhases phases)
    {
        _sentinel.StopBegins();
        try
        {
            return TargetStop.Begin(ProcessId, KeepRuntime, ref _live, phases);
        }
        catch
        {
            _sentinel.StopEnded();
            throw;
        }
    }

    private AddressVerdict[]? TryClassifyStopped(IReadOnlyList<ulong> addresses, ref double pauseMs)
    {
        long start = Stopwatch.GetTimestamp();
        TargetStop stop = BeginStop(StopPhases.Off);

        try
        {
            ClrRuntime runtime = stop.Runtime;
            if (!runtime.Heap.CanWalkHeap || SuspendingForGc(runtime))
            {
                return null;
            }

            var heap = new HeapView(runtime, _stackRoots, RememberHandleSlots ? _handleSlots : null, new TargetMemory(stop.Target.DataReader, ProcessId), _typeNames);
            var verdicts = new AddressVerdict[addresses.Count];
            for (int i = 0; i < addresses.Count; i++)
            {
                ManagedVerdict v = heap.Classify(addresses[i]);
                verdicts[i] = new AddressVerdict(addresses[i], ToClass(v.Kind), v.ObjectAddress, v.ObjectType, v.ObjectSize, v.Why, v.Thread);
            }

            return verdicts;
        }
        finally
        {
            stop.Dispose(); // resumes the target
            _sentinel.StopEnded();
            pauseMs += Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
    }

    /// <summary>The low end and one past the high end of the GC's fixed reservation (regions GC), or (0, 0) when the heap
    /// has none (segments GC: segments come and go, so no range is fixed for the process).</summary>
    public (ulong Lo, ulong Hi) ReservedRange { get; private set; }

    /// <summary>True while the runtime suspends threads for a GC: a thread caught on its way to a safe point (hijacked
    /// return address, no frame at its instruction) may show none of its stack roots, so a pinned object would look unpinned.</summary>
    private static bool SuspendingForGc(ClrRuntime runtime)
    {
        foreach (ClrThread thread in runtime.Threads)
        {
            if (thread.IsAlive && (thread.State & ClrThreadState.TS_GCSuspendPending) != 0)
            {
                return true;
            }
        }

        return false;
    }

    private static AddressClass ToClass(VerdictKind kind) => kind switch
    {
        VerdictKind.Pinned => AddressClass.Pinned,
        VerdictKind.Unpinned => AddressClass.Unpinned,
        VerdictKind.Dangling => AddressClass.Dangling,
        VerdictKind.Undecided => AddressClass.Unknown,
        _ => AddressClass.NotManaged,
    };

    /// <summary>Marks this sweeper unusable, releases its runtime and ends its stop sentinel (no thread stays traced
    /// between sweeps).</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            DropRuntime();
            _sentinel.Dispose();
        }
    }

    private bool StopAndCheck(List<LibraryData> libraries, NativeHeapPlan? nativeHeap, BlockPlan? blocks, bool useHeap, SweepResult scratch, List<Finding> raw,
        StopPhases phases, out double pauseMs, out double cpuMs, out int torn, out int unreadable)
    {
        torn = unreadable = 0;
        pauseMs = cpuMs = 0;
        long start = Stopwatch.GetTimestamp();
        double cpuStart = ThreadCpuTime.NowMs();
        phases.Begin(StopPhase.ThreadStop);
        TargetStop stop = BeginStop(phases);

        try
        {
            var memory = new TargetMemory(stop.Target.DataReader, ProcessId);
            HeapView? heap = null;
            if (useHeap)
            {
                ClrRuntime runtime = stop.Runtime;
                phases.Enter(StopPhase.HeapOpen);
                if (!runtime.Heap.CanWalkHeap)
                {
                    return false;
                }

                phases.Enter(StopPhase.Segments);
                heap = new HeapView(runtime, _stackRoots, RememberHandleSlots ? _handleSlots : null, memory, _typeNames, phases);
                phases.Enter(StopPhase.Threads);
                int threads = 0;
                foreach (ClrThread t in runtime.Threads)
                {
                    threads += t.IsAlive ? 1 : 0;
                }

                scratch.Threads = threads;
            }

            var pass = new SweepPass(memory, _table, heap, Settings, scratch, raw)
            {
                NativeHeap = nativeHeap, Blocks = blocks, Phases = phases, LiveMemo = _liveIndex, DeadMemo = _deadIndex, RecordList = _stopRecords, SlotList = _stopSlots,
            };
            pass.Run(libraries);
            torn = pass.Torn;
            unreadable = pass.Unreadable;
            return true;
        }
        finally
        {
            phases.Enter(StopPhase.Resume);
            stop.Dispose(); // resumes the target
            phases.End();
            _sentinel.StopEnded();
            pauseMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            cpuMs = ThreadCpuTime.NowMs() - cpuStart;
        }
    }

    private void DropRuntime()
    {
        _live?.Dispose();
        _live = null;
    }

    private static void CopyCounts(SweepResult from, SweepResult to)
    {
        to.Blocks = from.Blocks;
        to.Bytes = from.Bytes;
        to.Pins = from.Pins;
        to.Threads = from.Threads;
        to.NativeHeapBlocks = from.NativeHeapBlocks;
        to.NativeHeapBytes = from.NativeHeapBytes;
    }

    private void Warn(SweepResult result, string key, SweepWarning warning)
    {
        if (_warned.Add(key))
        {
            result.WarningList.Add(warning);
        }
    }

    /// <summary>The identity a finding is reported once by: (kind, holder address, value) for words, (kind, range id) for ranges.</summary>
    internal static string Key(Finding f) => f.HolderAddress is ulong at
        ? string.Create(CultureInfo.InvariantCulture, $"{f.Kind}|{at:x}|{f.Address:x}")
        : string.Create(CultureInfo.InvariantCulture, $"{f.Kind}|range|{f.RangeId ?? f.Address:x}");
}
