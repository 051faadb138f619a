// ByteArrayArgumentWorkload.cs - the Debug gate's byte[]-argument loop: zlib crc32 over many small managed records, one
// native call per record with the record's byte[] as the argument (a call-scoped pin in a Debug build).
using System;
using System.Runtime.CompilerServices;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>Per invocation, <c>crc32</c> of each of <see cref="Records"/> text records of 64 B – 1 KiB (fixed sizes and
/// bytes), each passed as its own <c>byte[]</c>: the call is short (~50–300 ns of checksum), so what a managed array
/// argument costs at the boundary shows.</summary>
internal sealed class ByteArrayArgumentWorkload
{
    /// <summary>Records per invocation.</summary>
    public const int Records = 64;

    private readonly byte[][] _records;

    /// <summary>Builds the records (seeded, the same in every process).</summary>
    public ByteArrayArgumentWorkload()
    {
        var random = new Random(0x5EED_0006);
        int[] lengths = WorkloadData.Sizes(Records, 64, 1024, seed: 0x5EED_0007);
        _records = Array.ConvertAll(lengths, length => WorkloadData.Text(length, random));
    }

    /// <summary>Direct calls.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public nuint Raw()
    {
        nuint crc = 0;
        foreach (byte[] record in _records)
        {
            crc = RawManagedArguments.Crc32(crc, record, (uint)record.Length);
        }

        return crc;
    }

    /// <summary>The same calls through the generated wrapper.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public nuint Guarded()
    {
        nuint crc = 0;
        foreach (byte[] record in _records)
        {
            crc = GuardedManagedArguments.Crc32(crc, record, (uint)record.Length);
        }

        return crc;
    }
}
