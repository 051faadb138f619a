// AsanRuntime.cs - finds gcc's AddressSanitizer runtime for the Debug gate's asan side (the allocator's anchor) before the
// side processes start, and gives the environment that preloads it; says why when it cannot.
using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;

namespace InteropGuard.DebugGate;

/// <summary>The ASan runtime the asan side preloads.</summary>
/// <param name="Library">The shared library (<c>gcc -print-file-name=libasan.so</c>).</param>
internal sealed record AsanRuntime(string Library)
{
    /// <summary>
    /// ASan's options for a .NET process: ASan's defaults (256 MiB quarantine, redzones, <c>handle_segv=1</c>,
    /// <c>allow_user_segv_handler=1</c>: the runtime's SIGSEGV handler, installed after ASan's, still turns a fault in
    /// managed code into a <c>NullReferenceException</c>), except <c>detect_leaks=0</c>: the runtime does not free its
    /// own memory at exit (LeakSanitizer lists its allocations from libcoreclr.so), and a leak report would end the
    /// process with exit code 1 instead of the 0 the gate checks.
    /// </summary>
    public const string Options = "detect_leaks=0";

    /// <summary>What the asan side adds to the unguarded side's environment: <c>LD_PRELOAD</c> and <c>ASAN_OPTIONS</c>.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = Library,
        ["ASAN_OPTIONS"] = Options,
    };

    /// <summary>The runtime gcc links <c>-fsanitize=address</c> programs against, or null with the reason it is not
    /// there (no gcc, or gcc without libasan).</summary>
    public static (AsanRuntime? Runtime, string Reason) Locate()
    {
        string printed;
        try
        {
            var start = new ProcessStartInfo("gcc", "-print-file-name=libasan.so") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using Process gcc = Process.Start(start) ?? throw new Win32Exception("not started");
            printed = gcc.StandardOutput.ReadToEnd().Trim();
            gcc.WaitForExit();
        }
        catch (Win32Exception e)
        {
            return (null, $"gcc could not be run ({e.Message}), so libasan.so cannot be found");
        }

        // gcc prints the bare name back when it has no such file.
        return Path.IsPathRooted(printed) && File.Exists(printed)
            ? (new AsanRuntime(printed), "")
            : (null, $"gcc has no libasan.so (gcc -print-file-name=libasan.so printed '{printed}'; install gcc's libasan)");
    }
}
