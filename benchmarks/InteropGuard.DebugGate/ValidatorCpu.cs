// ValidatorCpu.cs - reads how much CPU time a process (the mode-2 side's validator) has used, from /proc/<pid>/stat, so
// the gate can charge each sweep the work the validator did for it rather than the wall time a loaded machine adds.
using System;
using System.IO;

namespace InteropGuard.DebugGate;

/// <summary>utime + stime of a process, in ns (clock-tick resolution: 10 ms here).</summary>
internal static class ValidatorCpu
{
    private const long NanosecondsPerTick = 10_000_000; // USER_HZ = 100 on Linux

    /// <summary>CPU time <paramref name="pid"/> has used; 0 when it cannot be read (the process ended).</summary>
    public static long Nanoseconds(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is the state (field 3 of stat(5)); utime and stime are fields 14 and 15.
            return (long.Parse(fields[11]) + long.Parse(fields[12])) * NanosecondsPerTick;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
