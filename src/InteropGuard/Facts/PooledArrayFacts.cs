// PooledArrayFacts.cs: array-pool-use-after-return: the pooled array's element type and length, e.g. byte[4096].
namespace InteropGuard.Facts;

/// <summary>The pooled array involved.</summary>
/// <param name="ArrayType">Its element type and length as C# spells them, e.g. <c>byte[4096]</c>.</param>
internal sealed record PooledArrayFacts(string ArrayType) : ViolationFacts;
