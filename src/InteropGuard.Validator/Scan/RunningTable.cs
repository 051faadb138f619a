// RunningTable.cs: the shadow table as the running target shows it, read once per sweep before the stop and shared by the plans that read native memory while the target runs.
using System;
using System.Collections.Generic;
using InteropGuard.Validator.Table;
using InteropGuard.Validator.Target;

namespace InteropGuard.Validator.Scan;

/// <summary>One read of the running target's table for the plans of one sweep (<see cref="BlockPlan"/>,
/// <see cref="NativeHeapPlan"/>): the header at once, the records and the ranges built from them on first use, so a
/// sweep that plans nothing reads no record and one that plans both reads them once. What it shows may be torn or
/// out of date by the stop: the plans only choose what the stop reads again, the stop decides.</summary>
internal sealed class RunningTable
{
    private readonly ShadowTableReader _table;
    private List<RangeRecord>? _records;
    private readonly List<int> _slots;
    private RangeIndex? _dead;
    private RangeIndex? _pins;

    private readonly List<RangeRecord>? _into;

    private RunningTable(ShadowTableReader table, TargetMemory memory, TableHeader header, List<RangeRecord>? into, List<int>? slots)
    {
        _table = table;
        _into = into;
        _slots = slots ?? new List<int>();
        Memory = memory;
        Header = header;
    }

    /// <summary>Reads the header of the running target; null when it cannot be read now (torn while running: the stop
    /// reads it properly). <paramref name="into"/> and <paramref name="slots"/>: the lists the records and their slots go
    /// in (null: new ones).</summary>
    public static RunningTable? Read(int pid, ShadowTableReader table, List<RangeRecord>? into = null, List<int>? slots = null)
    {
        var memory = new TargetMemory(null, pid);
        try
        {
            return new RunningTable(table, memory, table.ReadHeader(memory), into, slots);
        }
        catch (ValidatorException)
        {
            return null;
        }
    }

    /// <summary>Reads the running target's memory (no ClrMD: nothing is stopped).</summary>
    public TargetMemory Memory { get; }

    public TableHeader Header { get; }

    /// <summary>The records below the header's slot limit and the call regions' pins, read on first use.</summary>
    public List<RangeRecord> Records => _records ??= _table.ReadRecords(Memory, out _, out _, out _, _into, _slots);

    /// <summary>The table slot of each of the first <see cref="Records"/> (the table's; the rest are the call regions' pins).</summary>
    public List<int> Slots
    {
        get
        {
            _ = Records; // read on first use, with the slots
            return _slots;
        }
    }

    /// <summary>Freed blocks, released pins, unmapped views and released callbacks (with their redzones; a zero-size range
    /// as one byte): a word pointing into one may be a use after free. Every live callback too: its delegate may be
    /// collected by the stop, which then judges the words that hold its entry (SweepPass.Place).</summary>
    public RangeIndex Dead => _dead ??= Index(static r => !r.IsLive || r.Kind == TableLayout.KindCallback);

    /// <summary>Live managed pins (tracked and call-scoped): a word into the GC heap that one covers is pinned by it.</summary>
    public RangeIndex Pins => _pins ??= Index(static r => r.IsLive && r.Kind == TableLayout.KindManagedPin);

    private RangeIndex Index(Func<RangeRecord, bool> take)
    {
        var items = new List<(ulong, ulong, ulong, int)>();
        foreach (RangeRecord r in Records)
        {
            if (take(r))
            {
                ulong lo = r.Start - r.RedzoneLeft;
                items.Add((lo, Math.Max(r.End + r.RedzoneRight, lo + 1), r.AllocSeq, 0));
            }
        }

        return new RangeIndex(items);
    }
}
