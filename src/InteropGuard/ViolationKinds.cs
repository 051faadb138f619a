// ViolationKinds.cs: the names of every kind (kind string, IG id, detect_ option, doc page; from ig_kinds.inc) and parsing back.
using System;

namespace InteropGuard;

/// <summary>Maps a <see cref="ViolationKind"/> to its kind string (<c>native-use-after-free</c>), its id
/// (<c>IG0001</c>) and its option (<c>detect_native_use_after_free</c>), and back.</summary>
public static class ViolationKinds
{
    private static readonly string[] s_names = KindTable.Names;

    private static readonly string[] s_ids = BuildIds();
    private static readonly string[] s_options = BuildOptions();

    /// <summary>The number of kinds including <see cref="ViolationKind.None"/> (<c>IG_KIND_COUNT</c>).</summary>
    internal const int Count = KindTable.Count;

    /// <summary>The kind string used in reports, e.g. <c>native-use-after-free</c>; <c>none</c> for
    /// <see cref="ViolationKind.None"/>, <c>unknown</c> for values outside the enum.</summary>
    public static string GetName(ViolationKind kind) => IsDefined(kind) ? s_names[(int)kind] : "unknown";

    /// <summary>The report id, e.g. <c>IG0001</c>; <c>IG0000</c> for <see cref="ViolationKind.None"/>; values
    /// outside the enum are formatted the same way from their number.</summary>
    public static string GetId(ViolationKind kind) => IsDefined(kind) ? s_ids[(int)kind] : "IG" + ((int)kind).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The option that turns the check off, e.g. <c>detect_native_use_after_free</c>; the empty string
    /// for <see cref="ViolationKind.None"/> and values outside the enum.</summary>
    public static string GetOptionName(ViolationKind kind) => IsDefined(kind) && kind != ViolationKind.None ? s_options[(int)kind] : "";

    /// <summary>The check's page under the repository root, e.g. <c>docs/checks/double-free.md</c>; the empty string
    /// for <see cref="ViolationKind.None"/> and values outside the enum.</summary>
    public static string GetDocPage(ViolationKind kind) => IsDefined(kind) ? KindTable.DocPages[(int)kind] : "";

    /// <summary>Parses a kind string (<c>double-free</c>), an id (<c>IG0003</c>) or the enum name (<c>DoubleFree</c>),
    /// case-insensitively. Returns false (and <see cref="ViolationKind.None"/>) for null, empty or unknown text.</summary>
    public static bool TryParse(string name, out ViolationKind kind)
    {
        kind = ViolationKind.None;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        string text = name.Trim();
        for (int i = 1; i < Count; i++)
        {
            if (string.Equals(text, s_names[i], StringComparison.OrdinalIgnoreCase) ||
                string.Equals(text, s_ids[i], StringComparison.OrdinalIgnoreCase) ||
                string.Equals(text, ((ViolationKind)i).ToString(), StringComparison.OrdinalIgnoreCase))
            {
                kind = (ViolationKind)i;
                return true;
            }
        }

        return false;
    }

    internal static bool IsDefined(ViolationKind kind) => (uint)kind < Count;

    private static string[] BuildIds()
    {
        var ids = new string[Count];
        for (int i = 0; i < Count; i++)
        {
            ids[i] = "IG" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
        }

        return ids;
    }

    private static string[] BuildOptions()
    {
        var options = new string[Count];
        for (int i = 0; i < Count; i++)
        {
            options[i] = "detect_" + s_names[i].Replace('-', '_');
        }

        return options;
    }
}
