// CallScopedCallbackBenchmarks.cs - the cost of a call-scoped callback: a P/Invoke that calls a fresh delegate during
// the call (the qsort pattern), bare against the generated wrapper's EnterCallback/ExitCallback around it, in mode 0 and 1.
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using InteropGuard.Interception;

namespace InteropGuard.Benchmarks;

/// <summary>One call of <c>ig_test_call(fn, x)</c> (native code calls fn once) with a new capturing delegate each time:
/// the marshaller makes its stub either way. The guarded side adds what an interceptor does for a delegate parameter that
/// does not retain it: a CALLBACK range registered and released without the GC transition, the site slot's lock and
/// weak-handle store. Nothing outlives the call on either side.</summary>
[Config(typeof(ModeJobsConfig))]
public class CallScopedCallbackBenchmarks
{
    private static readonly GuardedCallSite s_site = new("CallScopedCallbackBenchmarks.Guarded", "CallScopedCallbackBenchmarks.cs", 1, "CallbackNative.Call(BenchCallback fn, int x)");
    private int _seed = 1;

    [Benchmark(Baseline = true, Description = "P/Invoke with a fresh delegate")]
    public int Plain()
    {
        int seed = _seed++;
        return CallbackNative.Call(x => x + seed, 1);
    }

    [Benchmark(Description = "same, as a call-scoped callback (EnterCallback/ExitCallback)")]
    public int Guarded()
    {
        int seed = _seed++;
        BenchCallback callback = x => x + seed;
        ulong id = GuardedCall.EnterCallback(callback, s_site, 0);
        try
        {
            return CallbackNative.Call(callback, 1);
        }
        finally
        {
            GuardedCall.ExitCallback(id, s_site);
        }
    }
}

/// <summary>libigtestnative's <c>ig_test_call</c>: calls fn(x) during the call.</summary>
internal static class CallbackNative
{
    [DllImport("libigtestnative", EntryPoint = "ig_test_call")]
    public static extern int Call(BenchCallback fn, int x);
}
