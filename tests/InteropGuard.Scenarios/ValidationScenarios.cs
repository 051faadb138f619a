// ValidationScenarios.cs - mode-2 scenarios: the program talks to a (fake) validator child through Guard.Validate and
// the exit sweep; each prints what Validate returned and proves its own data survived whatever the validator did.
using System;
using System.Collections.Generic;
using System.Linq;

namespace InteropGuard.Scenarios;

internal static class ValidationScenarios
{
    /// <summary>The scenarios of this file, merged into ScenarioTable.All.</summary>
    internal static readonly IReadOnlyDictionary<string, Action> All = new Dictionary<string, Action>(StringComparer.Ordinal)
    {
        ["validate"] = Validate,
        ["validate_then_check"] = ValidateThenCheck,
        ["validator_idle"] = ValidatorIdle,
    };

    // Two demand sweeps around real work; prints what each returned and what the event saw.
    private static void Validate()
    {
        Guard.ViolationReported += v => Console.WriteLine($"event: {v.KindName} fromValidator={v.IsFromValidator}");
        byte[] data = Pattern(4096);
        using var buffer = NativeBuffer.Allocate(256);
        buffer.Span.Fill(7);

        IReadOnlyList<Violation> first = Guard.Validate();
        Print("validate 1", first);
        IReadOnlyList<Violation> second = Guard.Validate();
        Print("validate 2", second);

        TestNative.Fill(buffer.Pointer, 256, 9);
        bool intact = SameAs(Pattern(4096), data) && buffer.Span.ToArray().All(b => b == 9);
        Console.WriteLine(intact ? "data intact" : "DATA DAMAGED");
    }

    // A demand sweep, then a use-after-free at the call boundary: mode-1 checks go on whatever happened to the validator.
    private static void ValidateThenCheck()
    {
        Print("validate 1", Guard.Validate());
        var freed = NativeBuffer.Allocate(32);
        nint p = freed.Pointer;
        freed.Release();
        try
        {
            Guard.Check(p, 8);
            Console.WriteLine("boundary check: nothing found");
        }
        catch (InteropViolationException e)
        {
            Console.WriteLine($"boundary check: {e.Violation.KindName}");
        }

        Console.WriteLine("data intact");
    }

    // No demand sweep at all: only the exit sweep talks to the validator.
    private static void ValidatorIdle()
    {
        byte[] data = Pattern(1024);
        using var buffer = NativeBuffer.Allocate(64);
        buffer.Span.Fill(1);
        Console.WriteLine(SameAs(Pattern(1024), data) && buffer.Span[63] == 1 ? "data intact" : "DATA DAMAGED");
    }

    private static void Print(string label, IReadOnlyList<Violation> found)
    {
        Console.WriteLine($"{label}: {found.Count} [{string.Join(",", found.Select(v => v.KindName))}]");
        foreach (Violation v in found)
        {
            Console.WriteLine($"{label} evidence: {v.Evidence}");
        }
    }

    private static byte[] Pattern(int n)
    {
        var bytes = new byte[n];
        for (int i = 0; i < n; i++)
        {
            bytes[i] = (byte)(i * 31 + 7);
        }

        return bytes;
    }

    private static bool SameAs(byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b);
}
