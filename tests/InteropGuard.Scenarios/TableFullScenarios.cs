// TableFullScenarios.cs - a full shadow table (max_ranges) is news, not an error: trackers and allocations keep working untracked and
// each kind of tracker says so once. Run with INTEROPGUARD_OPTIONS=max_ranges=16 (the smallest table).
using System;
using System.Collections.Generic;
using System.Linq;

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

        // Pins and rented arrays sit in the thread's pin log, not the table: all of the above were tracked. More live pins
        // than the log's 256 slots go to the table, which holds 16 ranges; the rest are untracked (and still pin).
        var many = new List<Pin>();
        for (int i = 0; i < 300; i++)
        {
            many.Add(Guard.Pin(new byte[16]));
        }

        int tracked = many.Count(p => p.Id != 0);
        foreach (Pin pin in many)
        {
            pin.Release();
        }

        Console.WriteLine($"table_full: {pins.Count(p => p.Id != 0)} of {pins.Count} pins tracked; {tracked} of {many.Count} live pins tracked");

        // More native buffers than the table holds: each is allocated (untracked once the table is full) and freed quietly.
        var buffers = new List<NativeBuffer>();
        var raw = new List<nint>();
        for (int i = 0; i < 20; i++)
        {
            NativeBuffer buffer = NativeBuffer.Allocate(64, i % 2 == 0 ? 0 : 4096);
            buffer.Span.Fill((byte)i);
            buffers.Add(buffer);
            raw.Add((nint)GuardedNativeMemory.AllocZeroed(32));
        }

        long bufferSum = 0;
        foreach (NativeBuffer buffer in buffers)
        {
            bufferSum += buffer.Span[63];
            buffer.Dispose();
        }

        foreach (nint p in raw)
        {
            bufferSum += *(byte*)p; // zeroed, tracked or not
            GuardedNativeMemory.Free((void*)p);
        }

        Console.WriteLine($"table_full: {pins.Count} pins, {arrays.Count} rents, sum {sum}; {buffers.Count} buffers, {raw.Count} blocks, sum {bufferSum}");
    }
}
