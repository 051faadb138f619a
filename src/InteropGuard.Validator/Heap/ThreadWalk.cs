// ThreadWalk.cs: where ClrMD's walk of a stopped thread may have missed frames, and so pinned locals: the part of its stack above the last frame the walk reached, or all of it.
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Heap;

/// <summary>The validator stops the target at arbitrary instructions (ptrace), not at the runtime's safe points. The runtime
/// itself never walks a thread there: a GC waits until each thread in cooperative mode reaches a safe point, and walks a
/// thread in preemptive mode from its transition frame. ClrMD's walk (the DAC's) starts from the thread's registers and
/// does not say when it gave up. Seen in the nested-pointer test of 8 threads asking about their fixed arrays while a
/// ninth forces GCs: a thread caught in a P/Invoke of <c>Thread.Yield</c> or <c>Thread.Sleep</c> (spinning while it waits)
/// yields the transition frame, or the callee, and none of its callers; a thread caught in cooperative mode inside runtime
/// code without a transition frame (a JIT helper, a write barrier; also a <c>[SuppressGCTransition]</c> call) yields only
/// its outermost frame. The pinned locals of the frames not reached (a <c>fixed</c> statement's) are then missing, and an
/// object only they pin looks unpinned. Frames the walk did not reach lie above the last frame it reached (a walk stops
/// short, it does not skip) except for the cooperative case, where they may lie anywhere in the stack.</summary>
internal static class ThreadWalk
{
    /// <summary>The frame a P/Invoke (or QCall) transition pushes: the managed caller lies beyond it.</summary>
    private const string TransitionFrame = "InlinedCallFrame";

    /// <summary>The lowest stack address of <paramref name="thread"/> (stopped; its roots already enumerated, so ClrMD has
    /// its frames) where frames the walk did not reach may lie: the stack pointer of the last frame reached, or
    /// <paramref name="stackStart"/> for a thread in cooperative mode whose first frame is not managed code, or whose walk
    /// has no frame. Words from there up hold the missed pinned locals, if any; a thread whose walk was complete has only
    /// its outermost frame and the native frames that started it there.</summary>
    public static ulong UnwalkedFrom(ClrThread thread, ulong stackStart, out bool stoppedShort)
    {
        ClrStackFrame? first = null, last = null;
        foreach (ClrStackFrame frame in thread.EnumerateStackTrace())
        {
            first ??= frame;
            last = frame;
        }

        if (last is null || (thread.GCMode == GCMode.Cooperative && first?.Kind != ClrStackFrameKind.ManagedMethod))
        {
            stoppedShort = true;
            return stackStart; // running runtime or native code without a transition frame: the walk jumped to the outermost frame
        }

        stoppedShort = last.Kind == ClrStackFrameKind.Runtime && last.FrameName == TransitionFrame; // its managed caller not reached
        return last.StackPointer;
    }
}
