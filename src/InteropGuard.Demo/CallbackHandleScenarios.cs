// CallbackHandleScenarios.cs - the demo's callback and SafeHandle bugs: the codec keeps a progress callback and
// calls it after the program disposed it, and a decoder's owner is finalized during a blocking decode that got the raw
// handle (the missing GC.KeepAlive). Program runs them after the lifetime scenarios.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace InteropGuard.Demo;

/// <summary>The codec's progress callback: it reports a percentage and returns whether to continue (1) or stop (0).</summary>
[UnmanagedFunctionPointer(CallingConvention.Cdecl)]
internal delegate int ProgressCallback(int percent);

/// <summary>The callback and handle scenarios. Each method is the buggy program; the comment marks the line that is wrong.</summary>
internal static class CallbackHandleScenarios
{
    /// <summary>The codec registers a progress callback and calls it from later decode steps.</summary>
    public static void ProgressCallbackAfterDispose()
    {
        var sink = new ProgressSink();
        GuardedCallback<ProgressCallback> progress = Guard.Callback<ProgressCallback>(percent => { sink.Report(percent); return 1; });
        NativeCodec.SetProgress(progress.Pointer);  // the codec keeps the function pointer (a registration)
        NativeCodec.Step(50);
        progress.Release();                         // BUG: released while the codec still has it registered

        int goOn = NativeCodec.Step(100);           // the codec calls back: reported, and 0 comes back instead of a crash
        Console.WriteLine($"      codec step returned {goOn} (the delegate did not run: {sink.Percent}% is the last progress)");
        NativeCodec.SetProgress(0);
    }

    /// <summary>A decoder object owns a native handle and closes it in its finalizer; the decode blocks in native code on
    /// the raw handle while nothing keeps the decoder alive, and a GC on another thread finalizes it.</summary>
    public static void DecoderFinalizedDuringDecode()
    {
        (HandleTracker native, nint raw) = StartDecode(); // BUG: the decoder is unreachable from here on (no GC.KeepAlive)
        var decode = new Thread(() => NativeCodec.BlockingDecode(raw));
        decode.Start();
        NativeCodec.WaitDecoding();
        GC.Collect();                               // memory pressure elsewhere in the program
        GC.WaitForPendingFinalizers();              // the decoder's finalizer closes the handle under the decode
        NativeCodec.FinishDecoding();
        decode.Join();
        native.ReleasedByNative();                  // the OS handle is closed only now (InteropGuard deferred it)
        Console.WriteLine($"      decoder handles closed: {DecoderHandle.Closed}");
        NativeCodec.Reset();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (HandleTracker, nint) StartDecode()
    {
        var decoder = new Decoder();
        return (decoder.BeginNativeUse(), decoder.RawHandle);
    }

    /// <summary>The codec's decoder handle (a stand-in: closing it counts).</summary>
    private sealed class DecoderHandle : GuardedSafeHandle   // instead of SafeHandle: InteropGuard sees its release
    {
        private static int s_next = 0x5000;
        public static int Closed;

        public DecoderHandle() : base(0, ownsHandle: true) => SetHandle(Interlocked.Increment(ref s_next));

        public override bool IsInvalid => handle == 0;

        protected override bool ReleaseHandle()
        {
            Interlocked.Increment(ref Closed);
            return true;
        }
    }

    /// <summary>The managed decoder: owns the handle, closes it in its finalizer.</summary>
    private sealed class Decoder
    {
        private readonly DecoderHandle _handle = new();

        ~Decoder() => _handle.Dispose();

        public nint RawHandle => _handle.DangerousGetHandle();

        /// <summary>The decode hands the raw handle to native code for its duration.</summary>
        public HandleTracker BeginNativeUse() => Guard.Track(_handle).RetainedByNative();
    }
}
