// TenthsJsonConverter.cs: a time field of a finding in milliseconds, written to 0.1 ms; anything but a number reads as unknown.
using System;

namespace InteropGuard.Findings.Json;

/// <summary>Milliseconds, sent rounded to a tenth (the precision reports print). Reading is lenient: a mistyped value
/// is null, never an exception.</summary>
internal sealed class TenthsJsonConverter : LenientDoubleJsonConverter
{
    protected override double Rounded(double value) => Math.Round(value, 1);
}
