// Violation.cs: the public base of every violation: the facts all report shapes share (kind, address, sites, range, thread, time); one sealed record per shape derives from it (Violations/), and only Reporting/ words them.
using System;
using InteropGuard.Reporting;
using InteropGuard.Violations;

namespace InteropGuard;

/// <summary>One detected interop bug. Immutable; created by the checks (one record type per report shape), turned into
/// text by the reporter. <see cref="ToString"/> returns the full text report.</summary>
public abstract record Violation
{
    private protected Violation(ViolationKind kind, nint address)
    {
        Kind = kind;
        Address = address;
    }

    /// <summary>The kind; never <see cref="ViolationKind.None"/> for a reported violation.</summary>
    public ViolationKind Kind { get; }

    /// <summary>The kind string, e.g. <c>native-use-after-free</c>.</summary>
    public string KindName => ViolationKinds.GetName(Kind);

    /// <summary>The report id, e.g. <c>IG0001</c>.</summary>
    public string Id => ViolationKinds.GetId(Kind);

    /// <summary>The address that was accessed, freed or found damaged; for <c>invalid-handle</c> the handle
    /// value. 0 means a null pointer or handle.</summary>
    public nint Address { get; }

    /// <summary>Bytes accessed; 0 for frees, handles and damaged redzones.</summary>
    public nint Size { get; internal init; }

    /// <summary>The argument expression at the call (<c>[CallerArgumentExpression]</c>); null when unknown or
    /// when the violation was not found at a call.</summary>
    public string? Argument { get; internal init; }

    /// <summary>The call, free or handle use that found the violation; null when unknown (for example a
    /// violation found by <c>Verify</c> or by native code without a site).</summary>
    public SourceSite? AccessSite { get; internal init; }

    /// <summary>The kind of range involved; <see cref="InteropGuard.RangeKind.None"/> when no range is known.</summary>
    public RangeKind RangeKind => Range.Kind;

    /// <summary>The first user byte of the range involved; 0 when no range is known.</summary>
    public nint RangeStart => Range.Start;

    /// <summary>The user bytes of the range involved; 0 when no range is known.</summary>
    public nint RangeSize => Range.Size;

    /// <summary>Where the range was allocated, pinned or issued; null when unknown.</summary>
    public SourceSite? AllocationSite { get; internal init; }

    /// <summary>Where the range was freed or released; null when unknown or still live.</summary>
    public SourceSite? ReleaseSite { get; internal init; }

    /// <summary>Time between the free/release and the detection; null when the range was not released or the
    /// time is unknown.</summary>
    public TimeSpan? SinceRelease { get; internal init; }

    /// <summary>The one-paragraph explanation printed under the headline.</summary>
    public string Description => ReportFormatter.Describe(this);

    /// <summary>The managed thread id (<see cref="Environment.CurrentManagedThreadId"/>) of the detecting thread.</summary>
    public int ThreadId => Thread.ManagedId;

    /// <summary>The name of the detecting thread; null when it has none.</summary>
    public string? ThreadName => Thread.Name;

    /// <summary>The OS thread id of the detecting thread; 0 when unknown.</summary>
    public int OsThreadId => Thread.OsId;

    /// <summary>When the violation was detected (UTC).</summary>
    public DateTimeOffset Time { get; internal init; } = DateTimeOffset.UtcNow;

    /// <summary>True for a violation found by the validator child (mode 2) rather than in this process; such a
    /// violation has no <see cref="AccessSite"/> and no detecting thread (<see cref="ThreadId"/> 0).</summary>
    public bool IsFromValidator => this is ValidatorViolation;

    /// <summary>The validator's evidence: where the word sits, its value and what it points at, in one sentence (the
    /// report prints it under the headline); null for violations found in this process or when the validator gave none.</summary>
    public string? Evidence { get; internal init; }

    /// <summary>The memory holding the pointer the validator found (block, region or library data, with the site that
    /// allocated the block); null when not found by a scan of memory.</summary>
    public ViolationHolder? Holder { get; internal init; }

    /// <summary>The managed object the pointer points into; null when there is none (dangling) or it is unknown.</summary>
    public ViolationObject? ManagedObject { get; internal init; }

    /// <summary>The range involved (kind, user bytes, <c>IG_RANGE_F_*</c> flags); <see cref="TrackedRange.None"/> when none is known.</summary>
    internal TrackedRange Range { get; init; }

    /// <summary>The <c>IG_RANGE_F_*</c> flags of the range involved (string pin, pooled array, ...); 0 when none or unknown.</summary>
    internal uint RangeFlags => Range.Flags;

    /// <summary>The detecting thread; captured when the violation is built.</summary>
    internal ThreadInfo Thread { get; init; } = ThreadInfo.Current();

    /// <summary>The headline: <c>ERROR: InteropGuard: &lt;kind&gt; on address 0x.. [IGnnnn]</c>.</summary>
    internal string Headline => ReportFormatter.Headline(this);

    /// <summary>The full text report, in the shape printed on stderr (banner lines included).</summary>
    public sealed override string ToString() => ReportFormatter.Format(this);
}
