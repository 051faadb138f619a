// OsThread.cs: the OS thread id of the current thread (gettid in libc), used only when a report is built.
using System;
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>The current OS thread id; 0 where gettid is not available.</summary>
internal static partial class OsThread
{
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>gettid(), or 0 when it cannot be called.</summary>
    public static int CurrentId()
    {
        if (s_unavailable)
        {
            return 0;
        }

        try
        {
            return gettid();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            s_unavailable = true;
            return 0;
        }
    }

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int gettid();
}
