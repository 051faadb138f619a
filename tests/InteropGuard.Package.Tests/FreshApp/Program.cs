// The Program.cs of a fresh `dotnet new console` app (top-level statements, no project edits): plain [DllImport] and
// NativeLibrary calls into a C library that keeps the pointer it was given in a static. The first argument picks the
// scenario; no InteropGuard code.
using System.Runtime.InteropServices;

byte[] rows = new byte[64];
Holder.Rows = rows;
switch (args[0])
{
    case "retained":
        Native.Keep(rows);                                   // BUG: the library keeps a pointer into rows
        break;
    case "retained-pinned":
        GCHandle pin = GCHandle.Alloc(rows, GCHandleType.Pinned);
        Native.Keep(rows);                                   // the pinned handle keeps rows in place while the library holds it
        Native.Keep(null);
        pin.Free();
        break;
    case "callback":
        Registration.RegisterTemporary();                    // BUG: the library keeps a callback whose delegate nothing keeps
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        break;
    case "callback-unregistered":
    case "callback-held":
        Registration.RegisterUntilCollect();
        if (args[0] == "callback-unregistered")
        {
            Native.SetCallback(null);                        // unregistered first: the library forgets the pointer
        }

        using (FinalizerHold.Start())                        // BUG (callback-held): the library keeps a collected delegate
        {
            Registration.Collect();                          // collected; the finalizer that releases its range waits
            Thread.Sleep(1000);                              // timer sweeps land in between
        }

        GC.WaitForPendingFinalizers();
        break;
    case "callback-kept":
        Registration.RegisterKept();                         // the delegate stays in a static while the library holds it
        GC.Collect();
        GC.WaitForPendingFinalizers();
        break;
    case "long-call":
        Console.WriteLine("sum " + Native.Wait(rows, (nuint)rows.Length, 1500)); // blocks in the library like a read
        break;
    case "pin-held":
        GCHandle held = GCHandle.Alloc(rows, GCHandleType.Pinned); // BUG (with pin_leak_ms): pinned long outside any call
        Thread.Sleep(1500);
        held.Free();
        break;
    case "qsort":
        Console.WriteLine(string.Join(",", Consumer.Sorter.Sort([3, 1, 2])) + " " + string.Join(",", Consumer.PlainSorter.Sort([6, 5, 4])));
        break;
    case "function-pointer":
        nint library = NativeLibrary.Load("libigsample.so");
        var keep = Marshal.GetDelegateForFunctionPointer<KeepFunction>(NativeLibrary.GetExport(library, "sample_keep"));
        keep(rows);                                          // BUG: through a function pointer, no [DllImport] at all
        break;
}

Console.WriteLine("done");

internal delegate void KeepFunction(byte[]? data);

internal delegate void Callback(int value);

internal static class Registration
{
    private static Callback? s_kept;
    private static Callback? s_pending;
    private static WeakReference s_temporary = new(null);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void RegisterTemporary()
    {
        int seen = 0;
        Native.SetCallback(value => seen += value);          // a new closure: collectable once this returns
    }

    // Registers a new closure that a static holds until Collect drops it.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void RegisterUntilCollect()
    {
        int seen = 0;
        s_pending = value => seen += value;
        Native.SetCallback(s_pending);
        s_temporary = new WeakReference(s_pending);
    }

    // Drops the pending delegate and collects until it is gone (its weak reference, read in a method of its own so no
    // Debug-code temporary roots it, reads null).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void Collect()
    {
        s_pending = null;
        for (int i = 0; i < 3 && IsAlive(); i++)
        {
            GC.Collect();
        }

        Console.WriteLine(IsAlive() ? "delegate alive" : "delegate collected");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool IsAlive() => s_temporary.Target is not null;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void RegisterKept()
    {
        int seen = 0;
        s_kept = value => seen += value;
        Native.SetCallback(s_kept);
    }
}

// Holds the finalizer thread (one object whose finalizer waits) until disposed: a delegate collected meanwhile keeps
// its InteropGuard range until the finalizer runs.
internal sealed class FinalizerHold : IDisposable
{
    private static readonly ManualResetEventSlim s_entered = new();
    private static readonly ManualResetEventSlim s_release = new();

    ~FinalizerHold()
    {
        s_entered.Set();
        s_release.Wait();
    }

    public static FinalizerHold Start()
    {
        Queue();
        while (!s_entered.Wait(10))
        {
            GC.Collect();
        }

        return new FinalizerHold();
    }

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        s_release.Set();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Queue() => _ = new FinalizerHold();
}

internal static class Holder
{
    public static byte[]? Rows;
}

internal static class Native
{
    [DllImport("igsample", EntryPoint = "sample_keep")]
    public static extern void Keep(byte[]? data);

    [DllImport("igsample", EntryPoint = "sample_wait")]
    public static extern ulong Wait(byte[] data, nuint length, int ms);

    [DllImport("igsample", EntryPoint = "sample_set_callback")]
    public static extern void SetCallback(Callback? callback);
}

namespace Consumer
{
    // A qsort comparer of a private delegate type: the wrapper is generated inside this partial class, where the type
    // can be named.
    internal static partial class Sorter
    {
        private delegate int Comparer(nint a, nint b);

        [DllImport("libc.so.6", EntryPoint = "qsort")] // libc.so.6: "libc" resolves to a linker script on some systems
        private static extern void QSort(int[] items, nuint count, nuint size, Comparer compare);

        public static int[] Sort(int[] items)
        {
            QSort(items, (nuint)items.Length, sizeof(int), (a, b) => Marshal.ReadInt32(a).CompareTo(Marshal.ReadInt32(b)));
            return items;
        }
    }

    // The same in a class that is not partial: not intercepted, and the build says so (IG1101).
    internal static class PlainSorter
    {
        private delegate int Comparer(nint a, nint b);

        [DllImport("libc.so.6", EntryPoint = "qsort")] // libc.so.6: "libc" resolves to a linker script on some systems
        private static extern void QSort(int[] items, nuint count, nuint size, Comparer compare);

        public static int[] Sort(int[] items)
        {
            QSort(items, (nuint)items.Length, sizeof(int), (a, b) => Marshal.ReadInt32(a).CompareTo(Marshal.ReadInt32(b)));
            return items;
        }
    }
}
