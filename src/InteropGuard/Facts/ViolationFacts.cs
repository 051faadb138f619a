// ViolationFacts.cs: what a check knows about a violation beyond its kind, address, range and sites, as data: one sealed record per error shape that needs more; the report formatter words it.
namespace InteropGuard.Facts;

/// <summary>The shape-specific data of a <see cref="Violation"/>; null when the common fields say everything. Checks
/// build these; only <c>Reporting/FactsWording</c> turns them into text.</summary>
internal abstract record ViolationFacts;
