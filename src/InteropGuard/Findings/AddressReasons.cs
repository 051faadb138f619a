// AddressReasons.cs: why the validator classified an address of the GC heap as it did: the codes a classify verdict's and a dangling-word finding's "why" carry, each with the words a report gives it.
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;

namespace InteropGuard.Findings;

/// <summary>The reasons of the validator's address verdicts. The protocol carries the code (data, never a sentence);
/// the target words it with <see cref="Words"/>. The table below is the one place a reason is declared.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AddressReasons
{
    /// <summary>Pinned: the object lies on a frozen segment, which the GC never moves or collects.</summary>
    public const string FrozenSegment = "frozen-segment";

    /// <summary>Pinned: the object lies on the pinned object heap.</summary>
    public const string PinnedObjectHeap = "pinned-object-heap";

    /// <summary>Pinned: a pinned or async-pinned GC handle holds the object.</summary>
    public const string PinnedHandle = "pinned-handle";

    /// <summary>Pinned: a pinned stack root (a <c>fixed</c> local, a marshalling pin of a call in progress) holds the object.</summary>
    public const string PinnedStackRoot = "pinned-stack-root";

    /// <summary>Unpinned: nothing pins the live object.</summary>
    public const string NotPinned = "not-pinned";

    /// <summary>Undecided: a thread stopped where its stack walk stops short holds a pointer into the object beyond
    /// where the walk reached (the verdict names the thread).</summary>
    public const string StackWalkShort = "stack-walk-short";

    /// <summary>Dangling: memory of the GC's reservation that no region in use holds.</summary>
    public const string OutsideRegions = "outside-regions";

    /// <summary>Dangling: past the allocated end of a GC segment.</summary>
    public const string PastSegmentEnd = "past-segment-end";

    /// <summary>Dangling: no object there (an allocation context or a gap).</summary>
    public const string NoObject = "no-object";

    /// <summary>Dangling: free space between objects.</summary>
    public const string FreeSpace = "free-space";

    /// <summary>Dangling: an object address outside every GC segment.</summary>
    public const string OutsideSegments = "outside-segments";

    /// <summary>Dangling: no valid object at the address the heap gives.</summary>
    public const string InvalidObject = "invalid-object";

    /// <summary>Unknown: a garbage collection stayed in progress (or the runtime kept suspending threads for one)
    /// through every stop.</summary>
    public const string GcInProgress = "gc-in-progress";

    /// <summary>Unknown: classifying failed in the validator (its log on stderr says how).</summary>
    public const string ClassifyFailed = "classify-failed";

    private static readonly Dictionary<string, string> s_words = new()
    {
        [FrozenSegment] = "a frozen segment",
        [PinnedObjectHeap] = "the pinned object heap",
        [PinnedHandle] = "a pinned GC handle",
        [PinnedStackRoot] = "a pinned stack root",
        [NotPinned] = "nothing pins it",
        [StackWalkShort] = "was stopped where its stack walk stops short, and its stack beyond holds a pointer into the object",
        [OutsideRegions] = "GC-reserved memory outside every region in use",
        [PastSegmentEnd] = "past the allocated end of a GC segment",
        [NoObject] = "no object there (an allocation context or a gap)",
        [FreeSpace] = "free space between objects",
        [OutsideSegments] = "an address outside every GC segment",
        [InvalidObject] = "no valid object there",
        [GcInProgress] = "a garbage collection stayed in progress",
        [ClassifyFailed] = "the validator failed to classify it; its log on stderr says how",
    };

    /// <summary>Every code, in no particular order.</summary>
    public static IReadOnlyCollection<string> Codes => s_words.Keys;

    /// <summary>The words a report gives <paramref name="code"/>: a known code's phrase (a stack-walk-short one names
    /// <paramref name="thread"/>), an unknown one quoted as it came (a newer validator), "no reason given" for none.</summary>
    /// <param name="code">The verdict's or finding's <c>why</c>.</param>
    /// <param name="thread">The thread a <see cref="StackWalkShort"/> verdict names.</param>
    public static string Words(string? code, long? thread = null)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "no reason given";
        }

        if (!s_words.TryGetValue(code, out string? words))
        {
            return "reason '" + code + "'";
        }

        return code == StackWalkShort
            ? "thread " + (thread?.ToString(CultureInfo.InvariantCulture) ?? "?") + " " + words
            : words;
    }
}
