// LiveTarget.cs: the one ClrMD data target and runtime a Sweeper keeps for the life of its target, brought up to date at each stop instead of created anew.
using System;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Target;

/// <summary>A passive ClrMD attach (no ptrace: ClrMD reads memory with <c>process_vm_readv</c>) and the runtime created
/// on it, kept across stops. The threads are stopped by <see cref="ThreadStop"/>; inside each stop <see cref="Refresh"/>
/// drops everything ClrMD and the DAC cached about the target (the reader's memory map and thread list, the DAC's
/// caches, ClrMD's heap, threads and handles), so nothing of the previous stop is trusted, while the costly parts stay
/// loaded: the DAC library and its process instance (~8 ms per stop on a loaded 2-core machine when made anew).
/// Register reads (<c>PTRACE_GETREGS</c>, stack roots) work because this thread is the stopped threads' tracer.
/// Not thread-safe: used by one sweep at a time.</summary>
internal sealed class LiveTarget : IDisposable
{
    private readonly DataTarget _target;
    private readonly ClrRuntime _runtime;

    private LiveTarget(DataTarget target, ClrRuntime runtime)
    {
        _target = target;
        _runtime = runtime;
    }

    /// <summary>Attaches passively and creates the runtime; call with the target stopped (<see cref="ThreadStop"/>).
    /// Throws <see cref="ValidatorException"/> like <see cref="TargetProcess.CreateRuntime"/>.</summary>
    public static LiveTarget Open(int pid)
    {
        DataTarget target;
        try
        {
            target = DataTarget.AttachToProcess(pid, suspend: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ValidatorException(ValidatorErrorKind.TargetUnavailable, $"process {pid} cannot be read ({e.Message}).", e);
        }

        try
        {
            ClrRuntime runtime = TargetProcess.CreateRuntime(target, pid);
            if (!runtime.CanFlushData)
            {
                runtime.Dispose();
                throw new ValidatorException(ValidatorErrorKind.TargetUnavailable,
                    $"the DAC of process {pid} cannot flush its caches, so one runtime cannot serve several stops.");
            }

            return new LiveTarget(target, runtime);
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }

    /// <summary>The data target (memory, threads' registers while stopped, modules).</summary>
    public DataTarget Target => _target;

    /// <summary>Brings the reader and the runtime up to the target's present state; call once per stop, after the threads
    /// stopped, before any other use. Objects obtained from the runtime before it must not be used after it.
    /// <paramref name="phases"/> (null: none) is charged each flush.</summary>
    public ClrRuntime Refresh(StopPhases? phases = null)
    {
        phases?.Enter(StopPhase.ReaderFlush);
        _target.DataReader.FlushCachedData(); // memory map (new GC regions) and thread list
        phases?.Enter(StopPhase.RuntimeFlush);
        _runtime.FlushCachedData();
        return _runtime;
    }

    /// <summary>Releases the runtime and the DAC.</summary>
    public void Dispose()
    {
        _runtime.Dispose();
        _target.Dispose();
    }
}
