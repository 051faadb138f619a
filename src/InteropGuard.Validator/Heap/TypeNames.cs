// TypeNames.cs: the names of the object types a sweep names, kept from one stop to the next: after each stop's flush the DAC builds a type's name anew, which costs milliseconds for the first object of a type.
using System.Collections.Generic;
using Microsoft.Diagnostics.Runtime;

namespace InteropGuard.Validator.Heap;

/// <summary>Type names by method table. A name is only words in a finding or a verdict, never part of a decision; it is
/// kept under the type's method table, module and metadata token together, so a method table whose type was unloaded
/// (a collectible assembly) and whose memory now holds another type's is not taken for the old type. Asking the
/// kept runtime for a name after its flush makes the DAC build the name anew (benchmarks/results/2026-12-06-pause-hwm.md
/// has the cost); a dictionary lookup costs nothing against it. Not thread-safe: one sweep at a time.</summary>
internal sealed class TypeNames
{
    private readonly Dictionary<(ulong MethodTable, ulong Module, int Token), string> _names = new();

    /// <summary>Names kept (for tests).</summary>
    public int Count => _names.Count;

    /// <summary>The name of <paramref name="type"/>, "an object of unknown type" when there is none.</summary>
    public string Of(ClrType? type)
    {
        if (type is null)
        {
            return Unknown;
        }

        var key = (type.MethodTable, type.Module?.Address ?? 0, type.MetadataToken);
        if (_names.TryGetValue(key, out string? name))
        {
            return name;
        }

        name = type.Name ?? Unknown;
        _names[key] = name;
        return name;
    }

    /// <summary>What a verdict says when ClrMD knows no type for the object.</summary>
    public const string Unknown = "an object of unknown type";
}
