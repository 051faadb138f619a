// CancelOnSignal.cs: turns Ctrl+C (SIGINT) and SIGTERM into a cancellation the command handles itself, so it can finish its report and summary.
using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace InteropGuard.Cli;

/// <summary>While alive, SIGINT and SIGTERM do not end this process: they cancel <see cref="Token"/> instead (and
/// reach a child in the same process group as usual, which is how Ctrl+C stops a program under <c>run</c>).</summary>
internal sealed class CancelOnSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public CancelOnSignal()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    /// <summary>Cancelled at the first signal.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>True when this process ignores SIGINT: a parent that started it ignoring the signal (a non-interactive
    /// shell's background job, <c>nohup</c>-like launchers) makes .NET leave the disposition alone, so Ctrl+C never
    /// reaches <see cref="Token"/>; SIGTERM still does.</summary>
    public static bool InterruptIgnored
    {
        get
        {
            try
            {
                foreach (string line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("SigIgn:", StringComparison.Ordinal))
                    {
                        ulong mask = ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                        return (mask & (1UL << (2 - 1))) != 0; // bit n-1 is signal n; SIGINT is 2
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
            {
                // no procfs: nothing to tell
            }

            return false;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _source.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the command already finished
        }
    }
}
