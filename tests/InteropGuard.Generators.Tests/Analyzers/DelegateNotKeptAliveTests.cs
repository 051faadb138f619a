// DelegateNotKeptAliveTests.cs: IG1003 delegate-not-kept-alive, flagged snippets and the nearest correct code.
using InteropGuard.Generators.Analyzers;
using InteropGuard.Generators.Tests.Analyzers.Support;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Analyzers;

[TestFixture]
public sealed class DelegateNotKeptAliveTests
{
    private const string Native = """
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] delegate void LogCallback(int level, nint message);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] delegate int Compare(nint a, nint b);
        delegate bool ConsoleCtrlHandler(int type);
        static class Native
        {
            [DllImport("mylib")] public static extern void mylib_set_log_callback(LogCallback callback);
            [DllImport("mylib")] public static extern void mylib_subscribe([InteropGuard.RetainedByNative] LogCallback callback);
            [DllImport("mylib", EntryPoint = "mylib_on_log")] public static extern void OnLog([InteropGuard.RetainedByNative] LogCallback callback);
            [DllImport("kernel32")] public static extern bool SetConsoleCtrlHandler(ConsoleCtrlHandler handler, bool add);
            [DllImport("libc")] public static extern void qsort(nint data, nint count, nint size, Compare compare);
            [DllImport("libc", EntryPoint = "qsort")] public static extern void qsort_fp(nint data, nint count, nint size, nint compare);
            [DllImport("mylib")] public static extern void mylib_log(LogCallback callback);
        }

        """;

    private static void Verify(string source) => AnalyzerVerifier.Verify<DelegateNotKeptAliveAnalyzer>(Native + source);

    [Test]
    public void Detects_LambdaConvertedAtARegistrationCall() => Verify("""
        class Logger
        {
            public static void Start()
            {
                Native.mylib_set_log_callback([|(level, message) => Console.WriteLine(level)|]);
                Native.SetConsoleCtrlHandler([|type => true|], true);
            }
        }
        """);

    [Test]
    public void Detects_MethodGroupPassedToRetainedByNativeParameter() => Verify("""
        class Logger
        {
            private void OnLog(int level, nint message) { }
            public void Start()
            {
                Native.mylib_subscribe([|OnLog|]);
                Native.OnLog([|new LogCallback(OnLog)|]);
            }
        }
        """);

    [Test]
    public void Detects_LocalDelegateNotKeptAfterTheCall() => Verify("""
        class Logger
        {
            public static void Start()
            {
                LogCallback callback = (level, message) => { };
                GC.KeepAlive(callback);
                Native.mylib_set_log_callback([|callback|]);
            }
        }
        """);

    [Test]
    public void Detects_GetFunctionPointerForDelegateOfATemporary() => Verify("""
        class Sorter
        {
            private static int ByValue(nint a, nint b) => 0;
            public static void Sort(nint data, int count)
            {
                var compare = new Compare(ByValue);
                nint fp = Marshal.GetFunctionPointerForDelegate([|compare|]);
                Native.qsort_fp(data, count, 4, fp);
                nint other = Marshal.GetFunctionPointerForDelegate<Compare>([|(a, b) => 1|]);
            }
        }
        """);

    [Test]
    public void Detects_LocalFromCoalesceAssignmentInAConditionalArgument() => Verify("""
        class Logger
        {
            private static readonly LogCallback s_default = (level, message) => { };
            public static void Start(bool custom)
            {
                LogCallback callback = null;
                callback ??= (level, message) => { };
                Native.mylib_set_log_callback([|custom ? callback : s_default|]);
            }
        }
        """);

    [Test]
    public void Allows_DelegateStoredInAField() => Verify("""
        class Logger
        {
            private static LogCallback s_callback;
            private LogCallback _callback;
            public void Start()
            {
                s_callback = (level, message) => { };
                Native.mylib_set_log_callback(s_callback);
                LogCallback local = OnLog;
                _callback = local;
                Native.mylib_set_log_callback(local);
            }
            private void OnLog(int level, nint message) { }
        }
        """);

    [Test]
    public void Allows_KeepAliveAfterTheCallAndGCHandle() => Verify("""
        class Sorter
        {
            private static int ByValue(nint a, nint b) => 0;
            public static void Sort(nint data, int count)
            {
                Compare compare = ByValue;
                nint fp = Marshal.GetFunctionPointerForDelegate(compare);
                Native.qsort_fp(data, count, 4, fp);
                GC.KeepAlive(compare);
            }
            public static GCHandle Register()
            {
                LogCallback callback = (level, message) => { };
                var handle = GCHandle.Alloc(callback);
                Native.mylib_set_log_callback(callback);
                return handle;
            }
        }
        """);

    [Test]
    public void Allows_CallbackUsedOnlyDuringTheCall() => Verify("""
        class Sorter
        {
            public static void Sort(nint data, int count)
            {
                Native.qsort(data, count, 4, (a, b) => 0);
                Native.mylib_log((level, message) => { });
            }
        }
        """);

    [Test]
    public void Allows_DelegateFromParameterOrProperty() => Verify("""
        class Logger
        {
            public LogCallback Callback { get; } = (level, message) => { };
            public void Start(LogCallback callback)
            {
                Native.mylib_set_log_callback(callback);
                Native.mylib_set_log_callback(Callback);
                nint fp = Marshal.GetFunctionPointerForDelegate(callback);
            }
        }
        """);

    [Test]
    public void Allows_DelegateInvokedAfterTheCallOrPassedOn() => Verify("""
        class Logger
        {
            private readonly List<LogCallback> _keep = new();
            public void Start()
            {
                LogCallback callback = (level, message) => { };
                Native.mylib_set_log_callback(callback);
                callback(0, 0);
                LogCallback other = (level, message) => { };
                Native.mylib_subscribe(other);
                _keep.Add(other);
            }
        }
        """);

    [Test]
    public void Allows_AttributeDeclaredByTheLibraryItself() => AnalyzerVerifier.Verify<DelegateNotKeptAliveAnalyzer>("""
        namespace InteropGuard { [AttributeUsage(AttributeTargets.Parameter)] internal sealed class RetainedByNativeAttribute : Attribute { } }
        delegate void Tick();
        static class Timer
        {
            [DllImport("t")] static extern void start_timer([InteropGuard.RetainedByNative] Tick tick);
            static Tick s_tick = () => { };
            public static void Start()
            {
                start_timer(s_tick);
                start_timer([|() => { }|]);
            }
        }
        """);
}
