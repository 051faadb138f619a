// LibCNative.cs - libc's memset, with which the buffer-churn workload has native code write each buffer; declared
// twice: RawLibC is left alone by the generator ([NotIntercepted]), GuardedLibC is intercepted.
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.BenchGate;

/// <summary>The direct call: the baseline.</summary>
[NotIntercepted]
internal static unsafe class RawLibC
{
    /// <summary><c>void *memset(void *s, int c, size_t n)</c>.</summary>
    [DllImport("libc.so.6", EntryPoint = "memset")]
    public static extern void* Memset(void* destination, int value, nuint length);
}

/// <summary>The same call, intercepted by the generator: <c>destination</c> is checked.</summary>
internal static unsafe class GuardedLibC
{
    /// <summary><c>memset</c>; the wrapper checks <paramref name="destination"/>.</summary>
    [DllImport("libc.so.6", EntryPoint = "memset")]
    public static extern void* Memset(void* destination, int value, nuint length);
}
