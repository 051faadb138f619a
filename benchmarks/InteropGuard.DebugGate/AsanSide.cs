// AsanSide.cs - runs once in the asan side process before it measures: binds the gate's libc declarations the way a C
// program's calls bind (so memset reaches ASan's interceptor) and proves that ASan is what allocates and what memset is.
using System;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.BenchGate;

namespace InteropGuard.DebugGate;

/// <summary>The asan side's set-up and self-test; throws <see cref="GateSetupException"/> naming what is wrong.</summary>
internal static unsafe class AsanSide
{
    private const string LibC = "libc.so.6";

    private static int s_libcBound;

    /// <summary>Binds and checks; returns a one-line account when all holds.</summary>
    public static string Prove()
    {
        nint global = NativeLibrary.GetMainProgramHandle();
        if (!NativeLibrary.TryGetExport(global, "__asan_address_is_poisoned", out nint isPoisonedExport))
        {
            throw new GateSetupException($"asan: the process has no ASan runtime (LD_PRELOAD={Environment.GetEnvironmentVariable("LD_PRELOAD")})");
        }

        // A [DllImport("libc.so.6")] binds with dlsym on libc's own handle, which finds libc's memset, not the preloaded
        // ASan interceptor that a C program's call reaches; the global scope (the main program's handle) finds what the
        // program's own calls find. Only libc: zlib and SQLite are loaded as the unguarded side loads them (their own
        // calls to malloc and memset reach ASan either way).
        NativeLibrary.SetDllImportResolver(typeof(AsanSide).Assembly, Resolve);
        var isPoisoned = (delegate* unmanaged<void*, int>)isPoisonedExport;

        // NativeMemory.Alloc reaches malloc through libSystem.Native: ASan's, if the byte past a 16-byte block is its
        // redzone and the block's bytes are not poisoned.
        byte* block = (byte*)NativeMemory.Alloc(16);
        if (isPoisoned(block) != 0 || isPoisoned(block + 16) == 0)
        {
            throw new GateSetupException("asan: NativeMemory.Alloc's block has no ASan redzone: malloc is not ASan's");
        }

        RawLibC.Memset(block, 0, 16);
        NativeMemory.Free(block);
        if (isPoisoned(block) == 0)
        {
            throw new GateSetupException("asan: a block freed with NativeMemory.Free is not poisoned: free is not ASan's (no quarantine)");
        }

        if (Volatile.Read(ref s_libcBound) == 0)
        {
            throw new GateSetupException("asan: RawLibC.Memset did not bind through the global scope: its memset is libc's, not ASan's");
        }

        string memset = Owner(global, "memset");
        return memset.Contains("libasan", StringComparison.Ordinal)
            ? $"unguarded code; malloc and free are ASan's (redzone after a 16-byte block, freed block poisoned), memset is {memset}'s; ASAN_OPTIONS={Environment.GetEnvironmentVariable("ASAN_OPTIONS")}"
            : throw new GateSetupException($"asan: memset in the global scope is {memset}'s, not ASan's interceptor");
    }

    private static nint Resolve(string library, Assembly assembly, DllImportSearchPath? path)
    {
        if (library != LibC)
        {
            return 0;
        }

        Interlocked.Exchange(ref s_libcBound, 1);
        return NativeLibrary.GetMainProgramHandle();
    }

    // The file of the library that defines `symbol` as the global scope finds it (dladdr).
    private static string Owner(nint global, string symbol)
    {
        var dladdr = (delegate* unmanaged<nint, DlInfo*, int>)NativeLibrary.GetExport(global, "dladdr");
        DlInfo info;
        return dladdr(NativeLibrary.GetExport(global, symbol), &info) != 0 && info.FileName != 0
            ? Marshal.PtrToStringUTF8(info.FileName) ?? "?"
            : "?";
    }

    // Dl_info (dlfcn.h).
    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public nint FileName;
        public nint FileBase;
        public nint SymbolName;
        public nint SymbolAddress;
    }
}
