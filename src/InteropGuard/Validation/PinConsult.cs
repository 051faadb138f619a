// PinConsult.cs: mode 2's synchronous question to the validator "is the object at this address pinned?", batched across threads and cached until the next GC.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using InteropGuard.Protocol;

namespace InteropGuard.Validation;

/// <summary>Asks the validator about addresses a call's nested pointers hold. One request is in flight at a time: a
/// thread that finds one flying queues its address and the next request carries everything queued meanwhile, so 8
/// threads calling at once stop the process once or twice, not 8 times. Verdicts that allow the call (pinned, not
/// managed) are kept until the next GC (<see cref="GC.CollectionCount"/> of generation 0 changes): a hot loop passing
/// the same pinned buffer asks once per GC. Unpinned verdicts are never kept (a pin taken after the report must count
/// at once). The cost of an allowed verdict reused: one compare for the latest address, else one dictionary read; of a question: one stop of the process
/// (a few ms warm, plus the stack roots when no handle pins the object).</summary>
internal static class PinConsult
{
    private static readonly ConcurrentDictionary<nint, int> s_allowed = new();
    private static readonly object s_gate = new();
    private static readonly List<nint> s_queue = [];
    private static long s_nextBatch = 1;
    private static long s_lastBatch;
    private static IReadOnlyDictionary<nint, PinVerdict>? s_lastAnswers;
    private static int s_clearedAtEpoch = -1;

    // The address of the latest allowed verdict: a hot loop passing one pinned buffer compares one field and reads the
    // GC count, without hashing. Replaced (never mutated) by Remember, so a reader sees a consistent pair.
    private static Known? s_last;

    /// <summary>True when <paramref name="address"/> was found pinned or not managed since the last GC.</summary>
    public static bool IsKnownAllowed(nint address)
    {
        if (s_last is { } last && last.Address == address)
        {
            return last.Epoch == GC.CollectionCount(0);
        }

        return s_allowed.TryGetValue(address, out int epoch) && epoch == GC.CollectionCount(0);
    }

    /// <summary>The validator's verdict on <paramref name="address"/>; null when the validator stopped or timed out
    /// meanwhile (it warned). Blocks the calling thread until the answer (bounded by validator_timeout_ms).</summary>
    public static PinVerdict? Ask(ValidatorChannel channel, nint address)
    {
        long ticket;
        lock (s_queue)
        {
            s_queue.Add(address);
            ticket = s_nextBatch;
        }

        lock (s_gate)
        {
            // A request sent while this thread waited may have carried the address already.
            if (s_lastBatch >= ticket && s_lastAnswers is { } last && last.TryGetValue(address, out PinVerdict answered))
            {
                return answered;
            }

            List<nint> batch;
            lock (s_queue)
            {
                var distinct = new HashSet<nint>(s_queue) { address };
                batch = [.. distinct];
                s_queue.Clear();
                s_lastBatch = s_nextBatch++;
            }

            int epoch = GC.CollectionCount(0); // before the question: a GC during it makes the answer stale
            ValidatorClassify? request = channel.Classify(batch, GuardRuntime.Options.ValidatorTimeoutMs);
            if (request is not { Completed: true })
            {
                s_lastAnswers = null;
                return null;
            }

            s_lastAnswers = request.Verdicts;
            Remember(request.Verdicts, epoch);
            return request.Verdicts.TryGetValue(address, out PinVerdict verdict) ? verdict : null;
        }
    }

    /// <summary>Remembers <paramref name="address"/> as allowed until the GC after <paramref name="epoch"/> (the
    /// <see cref="GC.CollectionCount"/> of generation 0 read before deciding): inside a live pin of InteropGuard. Until
    /// a GC the object cannot move, and a pin released meanwhile is use-after-unpin at the boundary check.
    /// Lock-free (a question in flight holds the gate for milliseconds); a race with another writer can only drop an
    /// entry, which is decided again.</summary>
    public static void RememberAllowed(nint address, int epoch)
    {
        if (epoch != GC.CollectionCount(0))
        {
            return; // a GC meanwhile: decide again at the next call
        }

        if (s_clearedAtEpoch != epoch)
        {
            s_allowed.Clear();
            s_clearedAtEpoch = epoch;
        }

        s_allowed[address] = epoch;
        s_last = new Known(address, epoch);
    }

    private static void Remember(IReadOnlyDictionary<nint, PinVerdict> verdicts, int epoch)
    {
        if (s_clearedAtEpoch != epoch)
        {
            s_allowed.Clear(); // entries of older GCs never match again: drop them so the cache stays small
            s_clearedAtEpoch = epoch;
        }

        foreach (KeyValuePair<nint, PinVerdict> pair in verdicts)
        {
            if (pair.Value.Verdict is ClassifiedAddress.Pinned or ClassifiedAddress.Native)
            {
                s_allowed[pair.Key] = epoch;
                s_last = new Known(pair.Key, epoch);
            }
            else if (s_last is { } last && last.Address == pair.Key)
            {
                s_last = null; // an unpinned verdict for the remembered address: never reuse the older one
            }
        }
    }

    private sealed record Known(nint Address, int Epoch);
}
