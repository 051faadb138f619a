// SweepPauses.cs - the mode-2 side's validator pauses, read from the validator's per-sweep log line on the side process's
// stderr (verbosity=1) as they arrive, so the gate can add the time mode 2 stops the program to its CPU time.
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace InteropGuard.DebugGate;

/// <summary>Every sweep pause logged by one process's validator, with when the gate read it.</summary>
internal sealed partial class SweepPauses
{
    private readonly List<(long Timestamp, double Milliseconds)> _pauses = [];

    /// <summary>Notes <paramref name="line"/> when it is the validator's sweep line
    /// (<c>InteropGuard validator: sweep N (reason): pause X ms, ...</c>); other lines are ignored.</summary>
    public void Read(string line)
    {
        Match match = SweepLine().Match(line);
        if (match.Success)
        {
            lock (_pauses)
            {
                _pauses.Add((Stopwatch.GetTimestamp(), double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)));
            }
        }
    }

    /// <summary>Sweeps logged between two <see cref="Stopwatch"/> timestamps, and their summed pause in ms.</summary>
    public (int Sweeps, double Milliseconds) Between(long from, long to)
    {
        lock (_pauses)
        {
            var inside = _pauses.Where(p => p.Timestamp >= from && p.Timestamp <= to).ToList();
            return (inside.Count, inside.Sum(p => p.Milliseconds));
        }
    }

    [GeneratedRegex(@"^InteropGuard validator: sweep \d+ \(\w+\): pause ([0-9.]+) ms")]
    private static partial Regex SweepLine();
}
