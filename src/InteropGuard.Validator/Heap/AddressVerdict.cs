// AddressVerdict.cs: the answer to one address of a classify request (a call's nested pointer): its class and the object it lies in.
namespace InteropGuard.Validator.Heap;

/// <summary>One classified address: <paramref name="Address"/> as asked and what <see cref="HeapView.Classify"/> said.</summary>
/// <param name="Address">The address the target asked about.</param>
/// <param name="Verdict">Its class.</param>
/// <param name="ObjectAddress">The object it lies in; 0 when there is none.</param>
/// <param name="ObjectType">The object's type name; null when unknown.</param>
/// <param name="ObjectSize">The object's size in bytes; 0 when unknown.</param>
/// <param name="Why">What pins it or why it is not an object: a code of <see cref="InteropGuard.Findings.AddressReasons"/>.</param>
/// <param name="Thread">The thread a <c>stack-walk-short</c> verdict names; 0 otherwise.</param>
public readonly record struct AddressVerdict(ulong Address, AddressClass Verdict, ulong ObjectAddress, string? ObjectType, ulong ObjectSize, string Why, uint Thread = 0);

/// <summary>The classes a classify answer carries (the protocol's <c>verdict</c> strings).</summary>
public enum AddressClass
{
    /// <summary><c>native</c>: not memory the GC owns.</summary>
    NotManaged,

    /// <summary><c>pinned</c>: inside a live object something pins (handle, POH, frozen segment, pinned stack root).</summary>
    Pinned,

    /// <summary><c>unpinned</c>: inside a live object nothing pins.</summary>
    Unpinned,

    /// <summary><c>dangling</c>: GC memory where no live object is.</summary>
    Dangling,

    /// <summary><c>unknown</c>: not decidable within the stops taken (a GC stayed in progress, or the object would be unpinned
    /// but the stack walk of some thread kept stopping short, so a <c>fixed</c> there may pin it).</summary>
    Unknown,
}
