// RecordMirror.cs: the table's record slots as the validator last read them (bytes, parsed record, version), so a read parses only the slots whose bytes changed since.
using System;

namespace InteropGuard.Validator.Table;

/// <summary>A copy of every record slot read so far, kept between reads (while the target runs and in the stop). A slot
/// whose 96 bytes equal the copy keeps its parsed record and its verdict (empty, a record, torn); a slot whose bytes
/// differ is copied, parsed again and gets a new <see cref="Version"/>. A read therefore yields exactly what parsing
/// every slot anew would (the parse depends on the slot's bytes and number only), at the cost of a compare per
/// unchanged slot. A program keeps tens of thousands of dead records (quarantined blocks, released pins and
/// callbacks) that rarely change between a stop and the read just before it. Memory: the slots' bytes (96 per slot up
/// to the high-water mark, as in the target) and their parsed records. Not thread-safe: one sweep at a time.</summary>
internal sealed class RecordMirror
{
    /// <summary>What a slot held when it was last read.</summary>
    public enum SlotState : byte
    {
        /// <summary>Not read yet (or forgotten): the next read parses it whatever its bytes.</summary>
        Unread,

        /// <summary>An empty slot.</summary>
        Empty,

        /// <summary>A plausible record (<see cref="Record"/>).</summary>
        Record,

        /// <summary>Implausible: torn (the target was stopped mid-write) or garbage.</summary>
        Torn,
    }

    private byte[] _bytes = [];
    private RangeRecord[] _records = [];
    private SlotState[] _states = [];
    private uint[] _versions = [];
    private ulong[] _chunks = [];

    /// <summary>Slots the mirror has room for (at least the last read's slot count).</summary>
    public int Capacity => _states.Length;

    /// <summary>Makes room for <paramref name="slots"/> slots in the chunks at <paramref name="chunkAddresses"/> (<paramref name="perChunk"/> slots each); a chunk whose
    /// address is not the one its slots were read from is forgotten (never the case in one process: chunks are never
    /// freed or moved; kept honest anyway).</summary>
    public void Prepare(ulong slots, ulong perChunk, ReadOnlySpan<ulong> chunkAddresses)
    {
        if ((ulong)_states.Length < slots)
        {
            int n = (int)Math.Max(slots, (ulong)_states.Length * 2);
            Array.Resize(ref _bytes, checked(n * TableLayout.RangeSize));
            Array.Resize(ref _records, n);
            Array.Resize(ref _states, n);
            Array.Resize(ref _versions, n);
        }

        if (_chunks.Length < chunkAddresses.Length)
        {
            Array.Resize(ref _chunks, chunkAddresses.Length);
        }

        for (int c = 0; c < chunkAddresses.Length; c++)
        {
            if (_chunks[c] != chunkAddresses[c])
            {
                ulong first = (ulong)c * perChunk;
                int count = (int)Math.Min(perChunk, (ulong)_states.Length - Math.Min(first, (ulong)_states.Length));
                Forget((int)first, count);
                _chunks[c] = chunkAddresses[c];
            }
        }
    }

    /// <summary>Takes the bytes read from slot <paramref name="slot"/>: unchanged, the parse of the last read stands;
    /// changed, they are copied and parsed, and the slot's version moves on.</summary>
    public SlotState Take(int slot, ReadOnlySpan<byte> bytes)
    {
        Span<byte> kept = _bytes.AsSpan(slot * TableLayout.RangeSize, TableLayout.RangeSize);
        if (_states[slot] != SlotState.Unread && bytes.SequenceEqual(kept))
        {
            return _states[slot];
        }

        bytes.CopyTo(kept);
        _versions[slot] = _versions[slot] == uint.MaxValue ? 1 : _versions[slot] + 1;
        if (RangeRecord.TryParse(bytes, (ulong)slot, out RangeRecord record, out bool torn))
        {
            _records[slot] = record;
            _states[slot] = SlotState.Record;
        }
        else
        {
            _records[slot] = default;
            _states[slot] = torn ? SlotState.Torn : SlotState.Empty;
        }

        return _states[slot];
    }

    /// <summary>Takes a run of slots from <paramref name="firstSlot"/> at once when their bytes are all what the last
    /// read found (the common case for a stop: one vectorized compare for 64 KiB of slots); false, and nothing taken,
    /// when any differs or was not read (then <see cref="Take"/> each).</summary>
    public bool TakeUnchanged(int firstSlot, ReadOnlySpan<byte> bytes)
    {
        int count = bytes.Length / TableLayout.RangeSize;
        return !_states.AsSpan(firstSlot, count).Contains(SlotState.Unread) &&
               bytes.SequenceEqual(_bytes.AsSpan(firstSlot * TableLayout.RangeSize, bytes.Length));
    }

    /// <summary>What slot <paramref name="slot"/> held at the last read.</summary>
    public SlotState State(int slot) => _states[slot];

    /// <summary>The slot's record as last taken (valid when <see cref="Take"/> said <see cref="SlotState.Record"/>).</summary>
    public ref readonly RangeRecord Record(int slot) => ref _records[slot];

    /// <summary>Changes each time the slot is parsed anew (never 0 once it was read), so a slot whose version is what it
    /// was holds the same bytes and record it held then.</summary>
    public uint Version(int slot) => _versions[slot];

    private void Forget(int first, int count)
    {
        if (count <= 0)
        {
            return;
        }

        for (int i = first; i < first + count; i++)
        {
            _states[i] = SlotState.Unread; // parsed at the next read, and its version moves on then
            _records[i] = default;
        }
    }
}
