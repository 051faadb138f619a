// Violation.cs: one violation as data (kind, address, range, sites, thread); formatting lives in Reporting/.
using System;
using InteropGuard.Reporting;

namespace InteropGuard;

/// <summary>One detected interop bug. Immutable; created by the checks, turned into text by the reporter.
/// <see cref="ToString"/> returns the full text report.</summary>
public sealed class Violation
{
    internal Violation(
        ViolationKind kind,
        ViolationContext context,
        nint address,
        nint size,
        string? argument,
        SourceSite? accessSite,
        RangeKind rangeKind,
        nint rangeStart,
        nint rangeSize,
        SourceSite? allocationSite,
        SourceSite? releaseSite,
        TimeSpan? sinceRelease,
        long detail = 0,
        string? note = null,
        ThreadInfo? thread = null,
        DateTimeOffset? time = null,
        ViolationHolder? holder = null,
        ViolationObject? managedObject = null,
        string? evidence = null,
        string? foundBy = null,
        uint rangeFlags = 0)
    {
        Kind = kind;
        Context = context;
        Address = address;
        Size = size;
        Argument = argument;
        AccessSite = accessSite;
        RangeKind = rangeKind;
        RangeStart = rangeStart;
        RangeSize = rangeSize;
        AllocationSite = allocationSite;
        ReleaseSite = releaseSite;
        SinceRelease = sinceRelease;
        Detail = detail;
        Note = note;
        ThreadInfo info = thread ?? ThreadInfo.Current();
        ThreadId = info.ManagedId;
        ThreadName = info.Name;
        OsThreadId = info.OsId;
        Time = time ?? DateTimeOffset.UtcNow;
        Holder = holder;
        ManagedObject = managedObject;
        Evidence = evidence;
        FoundBy = foundBy;
        RangeFlags = rangeFlags;
        Description = ReportFormatter.Describe(this);
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
    public nint Size { get; }

    /// <summary>The argument expression at the call (<c>[CallerArgumentExpression]</c>); null when unknown or
    /// when the violation was not found at a call.</summary>
    public string? Argument { get; }

    /// <summary>The call, free or handle use that found the violation; null when unknown (for example a
    /// violation found by <c>Verify</c> or by native code without a site).</summary>
    public SourceSite? AccessSite { get; }

    /// <summary>The kind of range involved; <see cref="InteropGuard.RangeKind.None"/> when no range is known.</summary>
    public RangeKind RangeKind { get; }

    /// <summary>The first user byte of the range involved; 0 when no range is known.</summary>
    public nint RangeStart { get; }

    /// <summary>The user bytes of the range involved; 0 when no range is known.</summary>
    public nint RangeSize { get; }

    /// <summary>Where the range was allocated, pinned or issued; null when unknown.</summary>
    public SourceSite? AllocationSite { get; }

    /// <summary>Where the range was freed or released; null when unknown or still live.</summary>
    public SourceSite? ReleaseSite { get; }

    /// <summary>Time between the free/release and the detection; null when the range was not released or the
    /// time is unknown.</summary>
    public TimeSpan? SinceRelease { get; }

    /// <summary>The one-paragraph explanation printed under the headline.</summary>
    public string Description { get; }

    /// <summary>The managed thread id (<see cref="Environment.CurrentManagedThreadId"/>) of the detecting thread.</summary>
    public int ThreadId { get; }

    /// <summary>The name of the detecting thread; null when it has none.</summary>
    public string? ThreadName { get; }

    /// <summary>The OS thread id of the detecting thread; 0 when unknown.</summary>
    public int OsThreadId { get; }

    /// <summary>When the violation was detected (UTC).</summary>
    public DateTimeOffset Time { get; }

    /// <summary>True for a violation found by the validator child (mode 2) rather than in this process; such a
    /// violation has no <see cref="AccessSite"/> and no detecting thread (<see cref="ThreadId"/> 0).</summary>
    public bool IsFromValidator => Context == ViolationContext.Validator;

    /// <summary>The validator's evidence: where the word sits, its value and what it points at, in one sentence (the
    /// report prints it under the headline); null for violations found in this process or when the validator gave none.</summary>
    public string? Evidence { get; }

    /// <summary>The memory holding the pointer the validator found (block, region or library data, with the site that
    /// allocated the block); null when not found by a scan of memory.</summary>
    public ViolationHolder? Holder { get; }

    /// <summary>The managed object the pointer points into; null when there is none (dangling) or it is unknown.</summary>
    public ViolationObject? ManagedObject { get; }

    /// <summary>Which sweep of which validator found it (report text), e.g. "the validator (pid 12) in a timer sweep".</summary>
    internal string? FoundBy { get; }

    /// <summary>Where the violation was found (call, free, verify, handle, native report, validator).</summary>
    internal ViolationContext Context { get; }

    /// <summary>Kind-specific detail: for a damaged redzone the offset of the first damaged canary byte past the end.</summary>
    internal long Detail { get; }

    /// <summary>The <c>IG_RANGE_F_*</c> flags of the range involved (string pin, pooled array, ...); 0 when none or unknown.</summary>
    internal uint RangeFlags { get; }

    /// <summary>Extra kind-specific text for the description (e.g. why a handle is invalid).</summary>
    internal string? Note { get; }

    /// <summary>The headline: <c>ERROR: InteropGuard: &lt;kind&gt; on address 0x.. [IGnnnn]</c>.</summary>
    internal string Headline => ReportFormatter.Headline(this);

    /// <summary>The full text report, in the shape printed on stderr (banner lines included).</summary>
    public override string ToString() => ReportFormatter.Format(this);
}
