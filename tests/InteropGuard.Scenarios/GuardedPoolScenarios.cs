// GuardedPoolScenarios.cs - scenarios of the sampled guarded pool (sample_rate > 0): a managed write past the end
// of a sampled NativeBuffer and a read after its release fault and are reported by the native handler, and a null
// dereference still becomes a NullReferenceException with InteropGuard's SIGSEGV handler in front of the runtime's.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace InteropGuard.Scenarios;

internal static class GuardedPoolScenarios
{
    /// <summary>The scenarios of this file, merged into ScenarioTable.All.</summary>
    internal static readonly IReadOnlyDictionary<string, Action> All = new Dictionary<string, Action>(StringComparer.Ordinal)
    {
        ["guarded_null_reference"] = GuardedNullReference,
        ["guarded_overflow_by_managed"] = GuardedOverflowByManaged,
        ["guarded_overflow_by_managed_ok"] = GuardedOverflowByManagedOk,
        ["guarded_use_after_free_by_managed"] = GuardedUseAfterFreeByManaged,
    };

    private sealed class Holder
    {
        public int Value = 1;
    }

    // The runtime turns a fault at a null object into NullReferenceException; InteropGuard's handler, installed after
    // the runtime's, must hand that fault on untouched.
    private static void GuardedNullReference()
    {
        using var buffer = NativeBuffer.Allocate(32); // loads libinteropguard: the pool and its handler exist now
        Holder? holder = Nothing();
        try
        {
            Console.WriteLine(holder!.Value);
        }
        catch (NullReferenceException)
        {
            Console.WriteLine("caught NullReferenceException");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Holder? Nothing() => null;

    // Managed code writes one byte past the end of a 32-byte native buffer.
    private static unsafe void GuardedOverflowByManaged()
    {
        var buffer = NativeBuffer.Allocate(32);
        byte* p = (byte*)buffer.Pointer;
        p[31] = 1;
        Console.WriteLine("writing past the end");
        Console.Out.Flush();
        p[32] = 1;
        Console.WriteLine("still running");
        buffer.Release();
    }

    // The nearest correct code: the last byte.
    private static unsafe void GuardedOverflowByManagedOk()
    {
        var buffer = NativeBuffer.Allocate(32);
        byte* p = (byte*)buffer.Pointer;
        p[31] = 1;
        buffer.Release();
    }

    // Managed code reads a native buffer after releasing it.
    private static unsafe void GuardedUseAfterFreeByManaged()
    {
        var buffer = NativeBuffer.Allocate(64);
        byte* p = (byte*)buffer.Pointer;
        buffer.Release();
        Console.WriteLine("reading after release");
        Console.Out.Flush();
        Console.WriteLine(p[8]);
    }
}
