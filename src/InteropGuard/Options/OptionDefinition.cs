// OptionDefinition.cs: one row of the option table (name, default, description, type and bounds).
namespace InteropGuard.Options;

/// <summary>How an option's text is parsed.</summary>
internal enum OptionType
{
    Bool,
    Int,
    Text,
    Format,
}

/// <summary>One option: name (identical to the C side), default text, description (Markdown, the row of options.md),
/// type and bounds; generated from ig_options.inc (ContractTables.g.cs). <see cref="OptionGrammar"/> parses its values.</summary>
internal sealed record OptionDefinition(string Name, string Default, string Description, OptionType Type, long Min = 0, long Max = long.MaxValue, bool PowerOfTwo = false);
