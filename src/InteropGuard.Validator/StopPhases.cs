// StopPhases.cs: where one sweep's stop spends its time, phase by phase (wall and CPU), for the verbosity=2 log line.
using System;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator;

/// <summary>The parts of a stop, in the order a sweep meets them. Each is timed exclusively: a phase entered from
/// inside another (the stack roots a word's verdict needs) is charged to itself, not to the one it interrupted.</summary>
internal enum StopPhase
{
    /// <summary>Every thread of the target seized and interrupted (<c>ThreadStop.Begin</c>).</summary>
    ThreadStop,

    /// <summary>The data reader's flush: its memory map and thread list are dropped and the modules re-read.</summary>
    ReaderFlush,

    /// <summary>The runtime's flush: the DAC's caches and ClrMD's heap, threads and handles dropped.</summary>
    RuntimeFlush,

    /// <summary>The heap's first use after the flush (<c>ClrHeap.CanWalkHeap</c> builds the heap's description).</summary>
    HeapOpen,

    /// <summary>The segments sorted for lookups (<c>HeapView</c>).</summary>
    Segments,

    /// <summary>The runtime's thread list (the live managed threads counted).</summary>
    Threads,

    /// <summary>The table's header and records read.</summary>
    Table,

    /// <summary>The live and dead range indexes built (a retained callback's weak handle read).</summary>
    Indexes,

    /// <summary>Retained pins' objects classified.</summary>
    RetainedPins,

    /// <summary>InteropGuard's blocks and regions scanned, or their candidate words re-read (with each candidate word's
    /// verdict, as in the two phases after it: a word's verdict is too short to time apart without the clocks costing more).</summary>
    Blocks,

    /// <summary>Pinned stack roots: each thread's registers and stack compared, and the threads that moved walked.</summary>
    StackRoots,

    /// <summary>Pinned GC handles enumerated, or confirmed by their remembered slots.</summary>
    Handles,

    /// <summary>The native libraries' writable data scanned.</summary>
    LibraryData,

    /// <summary>Native-heap blocks confirmed (or scanned, without a fixed GC range).</summary>
    NativeHeap,

    /// <summary>Old and exit-time pins found.</summary>
    LeakedPins,

    /// <summary>Every thread resumed (<c>ThreadStop.Dispose</c>).</summary>
    Resume,
}

/// <summary>Exclusive wall and thread-CPU time per <see cref="StopPhase"/> over one sweep's stops (retries add up). A
/// disabled instance (<see cref="Off"/>) does nothing, so the code that marks phases needs no test of its own: the
/// sweeper enables it at verbosity 2. Cost when enabled: two clock reads per phase change (a few microseconds a stop).
/// Not thread-safe: the stop runs on one thread.</summary>
internal sealed class StopPhases
{
    private static readonly int s_count = Enum.GetValues<StopPhase>().Length;

    private readonly double[] _wallMs;
    private readonly double[] _cpuMs;
    private StopPhase _current;
    private long _since;
    private double _cpuSince;
    private bool _running;

    /// <summary>An enabled, empty profile.</summary>
    public StopPhases()
    {
        _wallMs = new double[s_count];
        _cpuMs = new double[s_count];
        Enabled = true;
    }

    private StopPhases(bool enabled)
    {
        _wallMs = [];
        _cpuMs = [];
        Enabled = enabled;
    }

    /// <summary>The instance that records nothing.</summary>
    public static StopPhases Off { get; } = new(false);

    /// <summary>False for <see cref="Off"/>.</summary>
    public bool Enabled { get; }

    /// <summary>Starts charging time to <paramref name="phase"/> (a stop begins).</summary>
    public void Begin(StopPhase phase)
    {
        if (!Enabled)
        {
            return;
        }

        _current = phase;
        _since = Stopwatch.GetTimestamp();
        _cpuSince = ThreadCpuTime.NowMs();
        _running = true;
    }

    /// <summary>Charges the time since the last change to the current phase and makes <paramref name="phase"/> current;
    /// returns the phase it replaced, for the caller to <see cref="Enter"/> again when its part is done.</summary>
    public StopPhase Enter(StopPhase phase)
    {
        if (!Enabled || !_running)
        {
            return phase;
        }

        StopPhase previous = _current;
        Charge();
        _current = phase;
        return previous;
    }

    /// <summary>Charges the time since the last change to the current phase and stops (the stop ended).</summary>
    public void End()
    {
        if (!Enabled || !_running)
        {
            return;
        }

        Charge();
        _running = false;
    }

    /// <summary>Wall milliseconds charged to <paramref name="phase"/>.</summary>
    public double WallMs(StopPhase phase) => Enabled ? _wallMs[(int)phase] : 0;

    /// <summary>Thread-CPU milliseconds charged to <paramref name="phase"/>.</summary>
    public double CpuMs(StopPhase phase) => Enabled ? _cpuMs[(int)phase] : 0;

    /// <summary>The phases that took time, as <c>name wall/cpu</c> in milliseconds (e.g. <c>ThreadStop 0.31/0.28</c>),
    /// in stop order; empty when disabled.</summary>
    public string Describe()
    {
        if (!Enabled)
        {
            return "";
        }

        var text = new StringBuilder();
        for (int i = 0; i < s_count; i++)
        {
            if (_wallMs[i] < 0.005 && _cpuMs[i] < 0.005)
            {
                continue;
            }

            text.Append(text.Length == 0 ? "" : ", ").Append(((StopPhase)i).ToString())
                .Append(CultureInfo.InvariantCulture, $" {_wallMs[i]:F2}/{_cpuMs[i]:F2}");
        }

        return text.ToString();
    }

    private void Charge()
    {
        long now = Stopwatch.GetTimestamp();
        double cpu = ThreadCpuTime.NowMs();
        _wallMs[(int)_current] += Stopwatch.GetElapsedTime(_since, now).TotalMilliseconds;
        _cpuMs[(int)_current] += cpu - _cpuSince;
        _since = now;
        _cpuSince = cpu;
    }
}
