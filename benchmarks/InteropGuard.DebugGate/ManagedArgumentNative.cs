// ManagedArgumentNative.cs - the calls of the Debug gate's managed-argument workloads, declared twice: zlib's crc32 over a
// byte[] (the marshaller pins it; the wrapper records a call-scoped pin) and libc's qsort of an int[] with a delegate
// comparer (the wrapper records a call-scoped callback). The Raw classes are left alone by the generator.
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.DebugGate;

/// <summary><c>int (*compar)(const void *, const void *)</c> over <c>int</c> elements.</summary>
/// <param name="left">The first element.</param>
/// <param name="right">The second element.</param>
public unsafe delegate int IntComparison(int* left, int* right);

/// <summary>The direct calls: the unguarded side.</summary>
[NotIntercepted]
internal static class RawManagedArguments
{
    /// <summary><c>uLong crc32(uLong crc, const Bytef *buf, uInt len)</c> with a <c>byte[]</c> buffer.</summary>
    [DllImport("libz.so.1", EntryPoint = "crc32")]
    public static extern nuint Crc32(nuint crc, byte[] buffer, uint length);

    /// <summary><c>void qsort(void *base, size_t nmemb, size_t size, int (*compar)(const void *, const void *))</c>.</summary>
    [DllImport("libc.so.6", EntryPoint = "qsort")]
    public static extern void Qsort(int[] items, nuint count, nuint size, IntComparison comparer);
}

/// <summary>The same calls, intercepted by the generator (full wrappers).</summary>
internal static class GuardedManagedArguments
{
    /// <summary><c>crc32</c>; the wrapper records <paramref name="buffer"/> as a call-scoped pin.</summary>
    [DllImport("libz.so.1", EntryPoint = "crc32")]
    public static extern nuint Crc32(nuint crc, byte[] buffer, uint length);

    /// <summary><c>qsort</c>; the wrapper records <paramref name="items"/> as a call-scoped pin and
    /// <paramref name="comparer"/> as a call-scoped callback.</summary>
    [DllImport("libc.so.6", EntryPoint = "qsort")]
    public static extern void Qsort(int[] items, nuint count, nuint size, IntComparison comparer);
}
