// ParallelLoop.cs - runs one loop body on N threads at once with little start/stop cost: N - 1 worker threads
// spin on a generation counter, the calling thread is the N-th.
using System;
using System.Threading;

namespace InteropGuard.Benchmarks;

/// <summary>Starts the same body on every thread and returns when all have finished.</summary>
internal sealed unsafe class ParallelLoop : IDisposable
{
    private readonly Thread[] _workers;
    private delegate*<int, void> _body;
    private int _argument;
    private int _generation;
    private int _pending;
    private volatile bool _stopped;

    public ParallelLoop(int threads)
    {
        _workers = new Thread[threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(Work) { IsBackground = true, Name = $"bench-worker-{i}" };
            _workers[i].Start();
        }
    }

    /// <summary>Runs <paramref name="body"/>(<paramref name="argument"/>) on every thread at once.</summary>
    public void Run(delegate*<int, void> body, int argument)
    {
        if (_workers.Length == 0)
        {
            body(argument);
            return;
        }

        _body = body;
        _argument = argument;
        Volatile.Write(ref _pending, _workers.Length);
        Interlocked.Increment(ref _generation);
        body(argument);
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) != 0)
            spin.SpinOnce(sleep1Threshold: -1);
    }

    private void Work()
    {
        int seen = 0;
        var spin = new SpinWait();
        while (!_stopped)
        {
            int generation = Volatile.Read(ref _generation);
            if (generation == seen)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                continue;
            }

            seen = generation;
            spin.Reset();
            _body(_argument);
            Interlocked.Decrement(ref _pending);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        foreach (Thread worker in _workers)
            worker.Join();
    }
}
