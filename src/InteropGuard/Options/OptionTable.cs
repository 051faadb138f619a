// OptionTable.cs: lookups over the one option table, whose rows and index constants are generated from native/src/ig_options.inc.
namespace InteropGuard.Options;

/// <summary>All options, in the order of ig_options.inc (rows and indices: ContractTables.g.cs).</summary>
internal static partial class OptionTable
{
    /// <summary>The index of <paramref name="name"/>, or -1.</summary>
    public static int IndexOf(string name)
    {
        for (int i = 0; i < All.Length; i++)
        {
            if (string.Equals(All[i].Name, name, System.StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The valid option names, comma-separated, for warnings.</summary>
    public static string ValidNames()
    {
        var names = new string[All.Length];
        for (int i = 0; i < All.Length; i++)
        {
            names[i] = All[i].Name;
        }

        return string.Join(", ", names);
    }
}
