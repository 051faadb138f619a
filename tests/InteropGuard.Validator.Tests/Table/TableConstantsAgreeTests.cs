// TableConstantsAgreeTests.cs - the shadow-table constants the validator (TableLayout) and the runtime (IgConstants)
// declare are the values of native/include/interopguard.h: offsets and sizes from the header's layout drawings, range
// kinds, states, range and table flags, init flags, lookup results and the table version. A constant either side adds or changes without
// the header fails here.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using InteropGuard.Validator.Table;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.Table;

public sealed class TableConstantsAgreeTests
{
    private static readonly Regex LayoutRow = new(@"^\s*\*\s+(\d+)\s+(\d+)?\s+(\w+|\(sizeof\))", RegexOptions.Compiled);
    private static readonly Regex StructStart = new(@"^typedef struct (ig_range|ig_site|ig_table_header|ig_heap_header|ig_heap_slot|ig_call_pin|ig_call_region|ig_pin_log) \{", RegexOptions.Compiled);
    private static readonly Regex Define = new(@"^#define (IG_RANGE_F_\w+|IG_INIT_\w+|IG_TABLE_F_\w+|IG_TABLE_VERSION|IG_MAX_ALIGN|IG_HEAP_\w+|IG_CALL_\w+|IG_PIN_LOG_\w+) (0x[0-9A-Fa-f]+|\d+)u", RegexOptions.Compiled);
    private static readonly Regex EnumValue = new(@"^\s*(IG_RANGE_\w+|IG_STATE_\w+|IG_LOOKUP_\w+) = (\d+)", RegexOptions.Compiled);

    /// <summary>Constants with no value of their own in the header, and why.</summary>
    private static readonly HashSet<string> Derived = new(StringComparer.Ordinal)
    {
        "FlagsReported",   // CALL_SCOPED | USER_MASK: which header flags a finding passes on
        "LeftCanaryBytes", // the allocator's left canary (ig_internal.h), not part of the public header
        "UserSpaceEnd",    // the platform's address space, not the table's
    };

    private static string Header([CallerFilePath] string file = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, "..", "..", "..", "native", "include", "interopguard.h"));

    /// <summary>Every value the header gives, under the name a managed constant has for it.</summary>
    private static Dictionary<string, ulong> HeaderValues()
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var rows = new List<(ulong Offset, ulong? Size, string Field)>();
        foreach (string line in File.ReadLines(Header()))
        {
            Match m;
            if ((m = LayoutRow.Match(line)).Success)
            {
                rows.Add((ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                    m.Groups[2].Success ? ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : null, m.Groups[3].Value));
            }
            else if ((m = StructStart.Match(line)).Success)
            {
                string prefix = m.Groups[1].Value switch { "ig_range" => "Range", "ig_site" => "Site", "ig_heap_header" => "HeapHeader", "ig_heap_slot" => "Slot", "ig_call_pin" => "CallPin", "ig_call_region" => "CallRegion", "ig_pin_log" => "PinLog", _ => "Header" };
                foreach (var (offset, size, field) in rows)
                {
                    if (field == "(sizeof)")
                    {
                        values[prefix + "Size"] = offset;
                        continue;
                    }

                    string name = prefix + Pascal(field);
                    values[name is "RangeSize" or "SlotSize" or "CallPinSize" or "PinLogSlots" ? name + "Field" : name] = offset;
                    if (size is { } bytes)
                    {
                        values[name + "Length"] = bytes;
                    }
                }

                rows.Clear();
            }
            else if ((m = Define.Match(line)).Success)
            {
                string v = m.Groups[2].Value;
                ulong value = v.StartsWith("0x", StringComparison.Ordinal) ? ulong.Parse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture) : ulong.Parse(v, CultureInfo.InvariantCulture);
                string c = m.Groups[1].Value;
                if (c == "IG_MAX_ALIGN")
                {
                    values["MaxAlignment"] = value;
                }
                else if (c == "IG_TABLE_VERSION")
                {
                    values["Version"] = value;
                    values["TableVersion"] = value;
                }
                else if (c.StartsWith("IG_CALL_", StringComparison.Ordinal))
                {
                    values["Call" + Pascal(c["IG_CALL_".Length..])] = value;
                }
                else if (c.StartsWith("IG_PIN_LOG_", StringComparison.Ordinal))
                {
                    values["PinLog" + Pascal(c["IG_PIN_LOG_".Length..])] = value;
                }
                else if (c.StartsWith("IG_HEAP_", StringComparison.Ordinal))
                {
                    values["Heap" + Pascal(c["IG_HEAP_".Length..])] = value;
                }
                else
                {
                    values[c.StartsWith("IG_RANGE_F_", StringComparison.Ordinal) ? "Flag" + Pascal(c["IG_RANGE_F_".Length..])
                        : c.StartsWith("IG_TABLE_F_", StringComparison.Ordinal) ? "TableFlag" + Pascal(c["IG_TABLE_F_".Length..])
                        : "Init" + Pascal(c["IG_INIT_".Length..])] = value;
                }
            }
            else if ((m = EnumValue.Match(line)).Success)
            {
                string c = m.Groups[1].Value;
                ulong value = ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                string name = c.StartsWith("IG_STATE_", StringComparison.Ordinal) ? "State" + Pascal(c["IG_STATE_".Length..])
                    : c.StartsWith("IG_LOOKUP_", StringComparison.Ordinal) ? "Lookup" + Pascal(c["IG_LOOKUP_".Length..])
                    : "Kind" + Pascal(c["IG_RANGE_".Length..]);
                values[name] = value;
            }
        }

        return values;
    }

    private static string Pascal(string snake) =>
        string.Concat(snake.ToLowerInvariant().Split('_', StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    private static List<string> Differences(Type type)
    {
        Dictionary<string, ulong> header = HeaderValues();
        var differences = new List<string>();
        foreach (FieldInfo f in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static).Where(f => f.IsLiteral))
        {
            if (Derived.Contains(f.Name))
            {
                continue;
            }

            ulong value = Convert.ToUInt64(f.GetRawConstantValue(), CultureInfo.InvariantCulture);
            if (!header.TryGetValue(f.Name, out ulong expected))
            {
                differences.Add($"{type.Name}.{f.Name} = {value} has no counterpart in interopguard.h");
            }
            else if (value != expected)
            {
                differences.Add($"{type.Name}.{f.Name} = {value}, interopguard.h says {expected}");
            }
        }

        return differences;
    }

    [Test]
    public void HeaderIsRead()
    {
        Dictionary<string, ulong> header = HeaderValues();

        Assert.That(header["RangeSize"], Is.EqualTo(96));
        Assert.That(header["HeaderSize"], Is.EqualTo(256));
        Assert.That(header["RangeUserTag"], Is.EqualTo(56));
        Assert.That(header["FlagManagedString"], Is.EqualTo(0x10000));
        Assert.That(header["StateReleased"], Is.EqualTo(3));
        Assert.That(header["KindNativeRegion"], Is.EqualTo(5));
    }

    [Test]
    public void ValidatorTableLayout_IsTheHeader()
    {
        Assert.That(Differences(typeof(TableLayout)), Is.Empty);
    }

    [Test]
    public void ValidatorNativeHeapLayout_IsTheHeader()
    {
        Dictionary<string, ulong> header = HeaderValues();
        Assert.That(header["SlotSize"], Is.EqualTo(32));
        Assert.That(header["HeapHeaderSize"], Is.EqualTo(64));
        Assert.That(Differences(typeof(NativeHeapLayout)), Is.Empty);
    }

    [Test]
    public void ValidatorCallRegionLayout_IsTheHeader()
    {
        Dictionary<string, ulong> header = HeaderValues();
        Assert.That(header["CallPinSize"], Is.EqualTo(40));
        Assert.That(header["CallRegionSize"], Is.EqualTo(11584));
        Assert.That(header["HeaderCallRegions"], Is.EqualTo(144));
        Assert.That(Differences(typeof(CallRegionLayout)), Is.Empty);
    }

    [Test]
    public void ValidatorPinLogLayout_IsTheHeader()
    {
        Dictionary<string, ulong> header = HeaderValues();
        Assert.That(header["PinLogSize"], Is.EqualTo(24640));
        Assert.That(header["HeaderPinLogs"], Is.EqualTo(168));
        Assert.That(header["PinLogSlots"], Is.EqualTo(256));
        Assert.That(Differences(typeof(PinLogLayout)), Is.Empty);
    }

    [Test]
    public void RuntimeIgConstants_IsTheHeader()
    {
        Type? constants = typeof(GuardOptions).Assembly.GetType("InteropGuard.Native.IgConstants");
        Assert.That(constants, Is.Not.Null, "InteropGuard.Native.IgConstants moved; point this test at it");

        Assert.That(Differences(constants!), Is.Empty);
    }
}
