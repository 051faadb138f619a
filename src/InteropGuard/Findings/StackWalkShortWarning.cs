// StackWalkShortWarning.cs: the warning shape "stack-walk-short": a word into an object no handle pins was left to the next sweep because a thread stopped where its stack walk stops short points into the object.
using System.ComponentModel;

namespace InteropGuard.Findings;

/// <summary>Native memory holds a pointer into an object that no handle and no walked stack root pins, and a thread the
/// sweep stopped where its stack walk stops short (cooperative mode in runtime code, a P/Invoke transition) points into it
/// beyond where its walk stopped: a <c>fixed</c> there may pin it, so this sweep left the word undecided.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record StackWalkShortWarning : SweepWarning
{
    /// <summary>The object's type name; null when unknown.</summary>
    public string? ObjectType { get; init; }

    /// <summary>The object's size in bytes.</summary>
    public ulong? ObjectSize { get; init; }
}
