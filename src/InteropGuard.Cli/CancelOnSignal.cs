// CancelOnSignal.cs: turns Ctrl+C (SIGINT) and SIGTERM into a cancellation the command handles itself, so it can finish its report and summary.
using System;
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
