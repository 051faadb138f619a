// ViewMappingFacts.cs: use-after-unmap: whether the released view's memory is still mapped by its accessor or nothing is mapped there.
namespace InteropGuard.Facts;

/// <summary>What is at the address of a released mapped view now.</summary>
/// <param name="StillMapped">True when the accessor still maps it (the access works until the accessor goes); false
/// when nothing is mapped there (a native access faults).</param>
internal sealed record ViewMappingFacts(bool StillMapped) : ViolationFacts;
