// ViolationTally.cs: counts violations by kind for the one-line summaries of attach and run.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace InteropGuard.Cli;

/// <summary>Violations by kind, in the order first seen; prints as "2 violations (unpinned-managed-pointer x1,
/// use-after-unpin x1)" or "no violations".</summary>
internal sealed class ViolationTally
{
    private readonly List<string> _kinds = new();
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Every violation counted.</summary>
    public int Total { get; private set; }

    /// <summary>Counts one violation of <paramref name="kind"/>.</summary>
    public void Add(string kind)
    {
        if (!_counts.TryGetValue(kind, out int n))
        {
            _kinds.Add(kind);
        }

        _counts[kind] = n + 1;
        Total++;
    }

    /// <summary>How many of <paramref name="kind"/> were counted.</summary>
    public int this[string kind] => _counts.TryGetValue(kind, out int n) ? n : 0;

    /// <inheritdoc/>
    public override string ToString()
    {
        if (Total == 0)
        {
            return "no violations";
        }

        var sb = new StringBuilder();
        sb.Append(Total.ToString(CultureInfo.InvariantCulture)).Append(Total == 1 ? " violation (" : " violations (");
        for (int i = 0; i < _kinds.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(_kinds[i]).Append(" x").Append(_counts[_kinds[i]].ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append(')').ToString();
    }
}
