// ThreadInfo.cs: the identity of the detecting thread (managed id, name, OS tid), captured when a violation is built.
using System.Threading;
using InteropGuard.Native;

namespace InteropGuard.Reporting;

/// <summary>Managed id, name and OS id of a thread.</summary>
internal readonly record struct ThreadInfo(int ManagedId, string? Name, int OsId)
{
    /// <summary>The current thread; the OS id comes from gettid (0 if unavailable).</summary>
    public static ThreadInfo Current() =>
        new(System.Environment.CurrentManagedThreadId, Thread.CurrentThread.Name, OsThread.CurrentId());
}
