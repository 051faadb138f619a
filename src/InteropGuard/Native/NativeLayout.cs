// NativeLayout.cs: the start-up assertion that the managed mirrors have the sizes of the C structs (and of the loaded library's table).
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace InteropGuard.Native;

/// <summary>Checks struct sizes against interopguard.h and, once loaded, against the table header of the library.</summary>
internal static unsafe class NativeLayout
{
    /// <summary>Every mismatch between a managed mirror and the expected C size; empty when all agree.</summary>
    public static List<string> ManagedMismatches()
    {
        var errors = new List<string>();
        Expect<IgRange>(IgRange.ExpectedSize, "ig_range_t", errors);
        Expect<IgViolation>(IgViolation.ExpectedSize, "ig_violation_t", errors);
        Expect<IgSite>(IgSite.ExpectedSize, "ig_site_t", errors);
        Expect<IgStats>(IgStats.ExpectedSize, "ig_stats_t", errors);
        Expect<IgTableHeader>(IgTableHeader.ExpectedSize, "ig_table_header_t", errors);
        return errors;
    }

    /// <summary>Mismatches between the loaded library's table header and the managed mirrors.</summary>
    public static List<string> NativeMismatches(IgTableHeader* table)
    {
        var errors = new List<string>();
        if (table == null)
        {
            errors.Add("ig_table() returned NULL");
            return errors;
        }

        if (table->Version != IgConstants.TableVersion)
        {
            errors.Add($"table version {table->Version}, expected {IgConstants.TableVersion}");
        }

        if (table->RangeSize != (uint)sizeof(IgRange))
        {
            errors.Add($"ig_range_t is {table->RangeSize} bytes natively, {sizeof(IgRange)} managed");
        }

        if (table->SiteSize != (uint)sizeof(IgSite))
        {
            errors.Add($"ig_site_t is {table->SiteSize} bytes natively, {sizeof(IgSite)} managed");
        }

        if (table->HeaderSize != (uint)sizeof(IgTableHeader))
        {
            errors.Add($"ig_table_header_t is {table->HeaderSize} bytes natively, {sizeof(IgTableHeader)} managed");
        }

        if (table->PinLogSlots != (uint)IgConstants.PinLogSlots)
        {
            errors.Add($"a pin log has {table->PinLogSlots} slots natively, {IgConstants.PinLogSlots} managed");
        }

        return errors;
    }

    private static void Expect<T>(int expected, string name, List<string> errors)
        where T : unmanaged
    {
        int actual = Unsafe.SizeOf<T>();
        if (actual != expected)
        {
            errors.Add($"{name} mirror is {actual} bytes, expected {expected}");
        }
    }
}
