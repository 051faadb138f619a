// RunSignals.cs: while `run` waits for its program, Ctrl+C and SIGTERM must end the program (so its exit sweep and reports run), not this tool.
using System;
using System.Runtime.InteropServices;

namespace InteropGuard.Cli;

/// <summary>SIGINT is ignored here: Ctrl+C in a terminal reaches the whole foreground process group, the program
/// included, and run waits for it to finish. SIGTERM (sent to one process, e.g. by a container runtime) is passed on
/// to the program with <c>kill(2)</c>. Both keep this process alive so the summary is printed.</summary>
internal sealed class RunSignals : IDisposable
{
    private const int SigTerm = 15;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _child;

    public RunSignals()
    {
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            int child = _child;
            if (child > 0)
            {
                _ = Kill(child, SigTerm); // failure = the program is already gone
            }
        });
    }

    /// <summary>The program's pid, once started.</summary>
    public int Child
    {
        set => _child = value;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
