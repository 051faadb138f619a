// ViolationHolder.cs: where the validator found a pointer word (a native block, region or library's data); data only, reports format it.
namespace InteropGuard;

/// <summary>The memory that holds the pointer a validator finding is about: the word's own address and the block,
/// region or library data around it. Only violations found by the validator (mode 2) have one.</summary>
public sealed class ViolationHolder
{
    internal ViolationHolder(string kind, nint address, nint start, nint size, nint offset, SourceSite? site, string? library)
    {
        Kind = kind ?? "";
        Address = address;
        Start = start;
        Size = size;
        Offset = offset;
        Site = site;
        Library = library;
    }

    /// <summary>What holds the word: <c>native-block</c> (a block of the shadow allocator), <c>native-region</c> (a
    /// registered native region), <c>library-data</c> (a library's .data/.bss), <c>native-heap</c> (a block a native library
    /// allocated itself: <see cref="Library"/> names it, <see cref="Site"/> the allocating code as library+offset or
    /// function) or <c>range</c> (another tracked range);
    /// the empty string when the validator did not say.</summary>
    public string Kind { get; }

    /// <summary>The address of the word itself; 0 when unknown.</summary>
    public nint Address { get; }

    /// <summary>The first byte of the holding block or region; 0 when unknown.</summary>
    public nint Start { get; }

    /// <summary>The size of the holding block or region in bytes; 0 when unknown.</summary>
    public nint Size { get; }

    /// <summary>The word's offset from <see cref="Start"/> in bytes; 0 when unknown (or at the start).</summary>
    public nint Offset { get; }

    /// <summary>Where the holding block was allocated (or the region registered); null when unknown or not a block.</summary>
    public SourceSite? Site { get; }

    /// <summary>The library whose data or heap block holds the word (<see cref="Kind"/> <c>library-data</c> or
    /// <c>native-heap</c>); null otherwise.</summary>
    public string? Library { get; }
}
