// OptionItem.cs: one key=value item of an INTEROPGUARD_OPTIONS string, as the grammar splits it.
namespace InteropGuard;

/// <summary>One item of an options string (<see cref="GuardOptions.Split"/>): the text before the first <c>=</c> and the
/// text after it, both exactly as written (no trimming, case kept).</summary>
/// <param name="Key">The text before the first <c>=</c> (the whole item when there is none); never empty unless the item
/// starts with <c>=</c>.</param>
/// <param name="Value">The text after the first <c>=</c>; null when the item has no <c>=</c>.</param>
public readonly record struct OptionItem(string Key, string? Value)
{
    /// <summary>The item as written: <c>key=value</c>, or the key alone when <see cref="Value"/> is null.</summary>
    public override string ToString() => Value is null ? Key : Key + "=" + Value;
}
