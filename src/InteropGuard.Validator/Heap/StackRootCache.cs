// StackRootCache.cs: the pinned stack roots of each thread (and the part of its stack its walk did not reach), kept from one sweep to the next and reused for a thread whose registers and stack bytes did not change.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Heap;

/// <summary>Enumerating a thread's stack roots (ClrMD's stack walk through the DAC) is the expensive part of a stop, and
/// most threads of a program are blocked in the same call at every sweep. A thread's roots follow from its registers
/// and the bytes of its stack (frame layout from the instruction pointer, root values from the stack slots; pinned
/// locals always live in stack slots, and the runtime's Frames live on the stack too), so when the full register
/// context, the bytes from the stack pointer (less the 128-byte red zone) up to the end of the mapping that holds it (the stack's
/// top, with the thread's TLS and control block above it), the thread's runtime
/// object and its state are all what they were at the last walk, the roots are too and the walk is skipped. What a walk
/// yields is kept whole and reused whole: the pinned roots and the part of the stack the walk may not have reached
/// (<see cref="UnwalkedStack"/>), which a reused thread still needs looked through.
/// Reading and comparing the stack costs a memory read of its used part (microseconds for a blocked thread) against a
/// stack walk of 0.1-1 ms per thread. Only x64 targets are cached (the stack pointer's place in the context is known);
/// elsewhere, and when the context or the stack cannot be read, every thread is walked as before. Not thread-safe: one
/// sweep at a time (the <see cref="Sweeper"/>'s contract).</summary>
internal sealed class StackRootCache
{
    /// <summary>Size of the AMD64 CONTEXT record ClrMD fills.</summary>
    private const int ContextBytes = 0x4d0;

    /// <summary>Offset of Rsp in the AMD64 CONTEXT record.</summary>
    private const int RspOffset = 0x98;

    /// <summary>CONTEXT_AMD64 | CONTEXT_ALL (control, integer, segments, floating point, debug registers).</summary>
    private const uint ContextAll = 0x10001F;

    /// <summary>x86-64 System V: a leaf function may use 128 bytes below the stack pointer.</summary>
    private const ulong RedZone = 128;

    /// <summary>A stack whose used part is larger than this is walked every time (the copy would cost more than it saves).</summary>
    private const ulong MaxStackBytes = 4 << 20;

    private Dictionary<uint, Entry> _entries = new();
    private (ulong Start, ulong End)[] _writable = [];

    /// <summary>Threads whose roots came from the cache / were walked, over the life of the cache (for tests and the benchmark).</summary>
    public long Reused { get; private set; }

    /// <summary>Threads walked because they were new or had changed (or could not be compared).</summary>
    public long Walked { get; private set; }

    /// <summary>Reads the target's writable mappings from <c>/proc/&lt;pid&gt;/maps</c> (before the stop: no pause): the
    /// mapping that holds a thread's stack pointer ends at the top of its stack (ClrMD reports no stack bounds on Linux).
    /// When the file cannot be read, every thread is walked.</summary>
    public void ReadMappings(int pid)
    {
        var list = new List<(ulong, ulong)>();
        try
        {
            foreach (string line in File.ReadLines("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/maps"))
            {
                // "start-end perms offset dev inode path": stacks are rw, private
                int dash = line.IndexOf('-', StringComparison.Ordinal);
                int space = line.IndexOf(' ', StringComparison.Ordinal);
                if (dash <= 0 || space <= dash || line.Length < space + 3 || line[space + 1] != 'r' || line[space + 2] != 'w' ||
                    !ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong start) ||
                    !ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong end))
                {
                    continue;
                }

                list.Add((start, end));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            list.Clear();
        }

        list.Sort();
        _writable = list.ToArray();
    }

    /// <summary>Adds the objects of the pinned stack roots of every live thread of <paramref name="runtime"/> to <paramref name="pinned"/>,
    /// and the part of each thread's stack its walk may not have reached (<see cref="ThreadWalk"/>) to <paramref name="unwalked"/>.
    /// A reused thread keeps both from the walk of its identical registers and stack bytes.</summary>
    public void AddPinnedRoots(ClrRuntime runtime, HashSet<ulong> pinned, List<UnwalkedStack> unwalked)
    {
        bool cacheable = runtime.DataTarget.DataReader.Architecture == Architecture.X64;
        var next = new Dictionary<uint, Entry>(_entries.Count);
        byte[] context = new byte[ContextBytes];
        foreach (ClrThread thread in runtime.Threads)
        {
            if (!thread.IsAlive)
            {
                continue;
            }

            Entry? now = cacheable ? Capture(runtime.DataTarget.DataReader, thread, context, _writable) : null;
            ulong[] roots;
            UnwalkedStack? rest;
            if (now is not null && _entries.TryGetValue(thread.OSThreadId, out Entry? before) && now.SameAs(before))
            {
                roots = before.Roots;
                rest = before.Unwalked;
                Reused++;
            }
            else
            {
                roots = Walk(thread, now, out rest);
                Walked++;
            }

            if (rest is not null)
            {
                unwalked.Add(rest);
            }

            if (now is not null)
            {
                now.Roots = roots;
                now.Unwalked = rest;
                next[thread.OSThreadId] = now;
            }

            foreach (ulong obj in roots)
            {
                pinned.Add(obj);
            }
        }

        _entries = next; // threads that are gone are forgotten
    }

    /// <summary>The objects of the thread's pinned stack roots, and in <paramref name="rest"/> the part of its stack the walk
    /// may not have reached: from <paramref name="now"/>'s bytes, or (bytes unknown) an unreadable part when the walk
    /// visibly stopped short, else null.</summary>
    private static ulong[] Walk(ClrThread thread, Entry? now, out UnwalkedStack? rest)
    {
        var roots = new List<ulong>();
        var slots = new List<ulong>();
        foreach (ClrStackRoot root in thread.EnumerateStackRoots())
        {
            if (root.Address != 0)
            {
                slots.Add(root.Address);
            }

            if (root.IsPinned && root.Object.Address != 0)
            {
                roots.Add(root.Object.Address); // interior roots (fixed) resolve to the containing object
            }
        }

        ulong stackStart = now?.StackStart ?? 0;
        ulong from = ThreadWalk.UnwalkedFrom(thread, stackStart, out bool stoppedShort);
        if (now is null)
        {
            rest = stoppedShort ? new UnwalkedStack(thread.OSThreadId, 0, null, 0, []) : null;
        }
        else
        {
            ulong end = stackStart + (ulong)now.Stack.Length;
            from = Math.Clamp((from + 7) & ~7UL, stackStart, end);
            slots.Sort();
            rest = new UnwalkedStack(thread.OSThreadId, from, now.Stack, (int)(from - stackStart), slots.ToArray());
        }

        return roots.ToArray();
    }

    /// <summary>The thread's registers and used stack, or null when either cannot be read (then it is walked).</summary>
    private static Entry? Capture(IDataReader reader, ClrThread thread, byte[] context, (ulong Start, ulong End)[] writable)
    {
        if (!reader.GetThreadContext(thread.OSThreadId, ContextAll, context))
        {
            return null;
        }

        ulong sp = BitConverter.ToUInt64(context, RspOffset);
        ulong top = MappingEnd(writable, sp);
        if (sp < RedZone || top <= sp || top - sp > MaxStackBytes)
        {
            return null;
        }

        ulong from = sp - RedZone;
        byte[] stack = new byte[top - from];
        if (reader.Read(from, stack) != stack.Length)
        {
            return null;
        }

        return new Entry(thread.Address, (int)thread.State, (byte[])context.Clone(), from, stack);
    }

    /// <summary>The end of the mapping that contains <paramref name="address"/>, or 0.</summary>
    private static ulong MappingEnd((ulong Start, ulong End)[] sorted, ulong address)
    {
        int lo = 0, hi = sorted.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (address < sorted[mid].Start)
            {
                hi = mid - 1;
            }
            else if (address >= sorted[mid].End)
            {
                lo = mid + 1;
            }
            else
            {
                return sorted[mid].End;
            }
        }

        return 0;
    }

    private sealed class Entry(ulong thread, int state, byte[] context, ulong stackStart, byte[] stack)
    {
        public ulong Thread { get; } = thread;

        public int State { get; } = state;

        public byte[] Context { get; } = context;

        /// <summary>The stack address of <see cref="Stack"/>[0] (the stack pointer less the red zone); 8-byte aligned.</summary>
        public ulong StackStart { get; } = stackStart;

        public byte[] Stack { get; } = stack;

        public ulong[] Roots { get; set; } = [];

        public UnwalkedStack? Unwalked { get; set; }

        public bool SameAs(Entry other) =>
            Thread == other.Thread && State == other.State &&
            Context.AsSpan().SequenceEqual(other.Context) && Stack.AsSpan().SequenceEqual(other.Stack);
    }
}
