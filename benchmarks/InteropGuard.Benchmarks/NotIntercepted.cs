// NotIntercepted.cs - keeps the existing benchmarks' P/Invokes direct: this project runs the interceptor generator (for
// InterceptBenchmarks), and without this every raw baseline of the other classes would become a checked call.
using InteropGuard.Interception;
using InteropGuard.Native;

namespace InteropGuard.Benchmarks;

/// <summary>The allocator and shadow-table entry points: measured raw.</summary>
[NotIntercepted]
internal static partial class IgNative;

/// <summary>glibc's allocator: measured raw.</summary>
[NotIntercepted]
internal static partial class LibC;

/// <summary>The trivial callee of the call-boundary benchmarks: measured raw (Guard.Check is written by hand there).</summary>
[NotIntercepted]
internal static partial class TestNative;
