// TableFullScenarios.cs - a full shadow table (max_ranges) is news, not an error: trackers keep working untracked and
// each kind of tracker says so once. Run with INTEROPGUARD_OPTIONS=max_ranges=16 (the smallest table).
using System;
using System.Collections.Generic;

namespace InteropGuard.Scenarios;

internal static class TableFullScenarios
{
    internal static readonly IReadOnlyDictionary<string, Action> All = new Dictionary<string, Action>(StringComparer.Ordinal)
    {
        ["table_full"] = TableFull,
    };

    /// <summary>More live pins and pooled arrays than the table holds: the pins still pin, the arrays still rent.</summary>
    private static unsafe void TableFull()
    {
        var pins = new List<Pin>();
        var arrays = new List<byte[]>();
        var pool = GuardedArrayPool<byte>.Create(maxArrayLength: 1024, maxArraysPerBucket: 64);
        for (int i = 0; i < 20; i++)
        {
            var data = new byte[64];
            data[0] = (byte)i;
            Pin pin = Guard.Pin(data);
            pins.Add(pin);
            arrays.Add(pool.Rent(128));
        }

        long sum = 0;
        foreach (Pin pin in pins)
        {
            sum += *(byte*)pin.Pointer; // untracked pins still pin and point at their array
            pin.Release();
        }

        foreach (byte[] array in arrays)
        {
            pool.Return(array);
        }

        Console.WriteLine($"table_full: {pins.Count} pins, {arrays.Count} rents, sum {sum}");
    }
}
