// TargetMemory.cs: reads the stopped target's memory in big chunks through ClrMD's data reader; a failed read is an answer, never an exception.
using System;
using System.Buffers.Binary;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Target;

/// <summary>Bounded reads of target memory for one sweep. Every method returns false instead of throwing.</summary>
internal sealed class TargetMemory
{
    /// <summary>Largest single read; bigger ranges are read in pieces of this size.</summary>
    public const int ChunkBytes = 64 * 1024;

    private readonly IMemoryReader _reader;

    public TargetMemory(IMemoryReader reader)
    {
        _reader = reader;
    }

    /// <summary>Fills <paramref name="destination"/> from <paramref name="address"/>; false if any byte is unreadable.</summary>
    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (destination.Length == 0)
        {
            return true;
        }

        if (address == 0 || address > ulong.MaxValue - (ulong)destination.Length || address + (ulong)destination.Length > 1UL << 56)
        {
            return false; // null, wrapping or non-canonical: nothing a user-space process can map
        }

        try
        {
            return _reader.Read(address, destination) == destination.Length;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    public bool TryReadUInt64(ulong address, out ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        if (TryRead(address, buffer))
        {
            value = BinaryPrimitives.ReadUInt64LittleEndian(buffer);
            return true;
        }

        value = 0;
        return false;
    }
}
