// ValidatorScenarios.cs - the demo's mode-2 scenario: the codec keeps a pointer to a managed row buffer that
// only a `fixed` block pinned. No call boundary can see that; the validator (INTEROPGUARD=2) finds the pointer in the
// codec's data segment. Program runs it last, and only in mode 2.
using System;
using System.Collections.Generic;

namespace InteropGuard.Demo;

/// <summary>Scenarios that need the out-of-process validator. Each method is the buggy program.</summary>
internal static class ValidatorScenarios
{
    /// <summary>The codec is given an output row with `fixed` and keeps the pointer after the block ends.</summary>
    public static unsafe void RowKeptAfterFixed()
    {
        var row = new byte[4096];
        fixed (byte* pixels = row)
        {
            NativeCodec.Retain((nint)pixels);       // BUG: the codec keeps the pointer; the pin ends with the block
        }

        // Any moment now the GC may move `row`, and the codec would write into whatever lies there. Ask for a sweep now
        // instead of waiting for the validator's timer (validator_interval_ms).
        IReadOnlyList<Violation> found = Guard.Validate();
        Console.WriteLine($"      Guard.Validate() returned {found.Count} finding(s)");
        NativeCodec.Reset();
        GC.KeepAlive(row);
    }
}
