// TargetStop.cs: one stop of the target from the sweep's side: its threads stopped, the data target and the runtime valid for this stop, and the resume at Dispose.
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Target;

/// <summary>A stop made one of two ways: with a <see cref="LiveTarget"/> (the default: <see cref="ThreadStop"/> stops
/// the threads, the kept runtime is refreshed) or, without one, ClrMD's suspended attach and a runtime of this stop only
/// (every stop pays the DAC's creation; the benchmark's baseline). <see cref="Dispose"/> resumes the target.</summary>
internal sealed class TargetStop : System.IDisposable
{
    private readonly int _pid;
    private readonly ThreadStop? _threads;
    private readonly DataTarget _target;
    private ClrRuntime? _runtime;

    private TargetStop(int pid, ThreadStop? threads, DataTarget target, ClrRuntime? runtime)
    {
        _pid = pid;
        _threads = threads;
        _target = target;
        _runtime = runtime;
    }

    /// <summary>Stops <paramref name="pid"/>: with <paramref name="keep"/> false, ClrMD's suspended attach; otherwise the
    /// validator's thread stop and <paramref name="live"/>, made here first when it is null (at the first stop after a
    /// failed one). Throws <see cref="ValidatorException"/> when the process is gone or refuses ptrace (nothing stays
    /// stopped then). <paramref name="phases"/> is charged the thread stop and the refresh.</summary>
    public static TargetStop Begin(int pid, bool keep, ref LiveTarget? live, StopPhases phases)
    {
        if (!keep)
        {
            return new TargetStop(pid, null, TargetProcess.Stop(pid), null);
        }

        ThreadStop threads = ThreadStop.Begin(pid);
        try
        {
            live ??= LiveTarget.Open(pid);
            return new TargetStop(pid, threads, live.Target, live.Refresh(phases));
        }
        catch
        {
            threads.Dispose();
            throw;
        }
    }

    /// <summary>The data target: memory, and the registers of the stopped threads.</summary>
    public DataTarget Target => _target;

    /// <summary>The runtime as it is in this stop (created on first use for a stop without a <see cref="LiveTarget"/>).</summary>
    public ClrRuntime Runtime => _runtime ??= TargetProcess.CreateRuntime(_target, _pid);

    /// <summary>Resumes the target (and releases a runtime made for this stop only).</summary>
    public void Dispose()
    {
        if (_threads is not null)
        {
            _threads.Dispose();
            return;
        }

        _runtime?.Dispose();
        _target.Dispose();
    }
}
