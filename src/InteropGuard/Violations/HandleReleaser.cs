// HandleReleaser.cs: who released a GuardedSafeHandle (Dispose, its finalizer, or a Dispose on the finalizer thread).
namespace InteropGuard.Violations;

/// <summary>How a tracked handle was released.</summary>
internal enum HandleReleaser
{
    /// <summary>A Dispose or Close call.</summary>
    Dispose,

    /// <summary>Its own finalizer.</summary>
    Finalizer,

    /// <summary>A Dispose that ran on the finalizer thread (an owner's finalizer).</summary>
    DisposeOnFinalizerThread,
}
