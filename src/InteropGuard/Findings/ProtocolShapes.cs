// ProtocolShapes.cs: a protocol line's table of shapes (record type, protocol name, JSON contract) and the one reader and writer by it, which the finding and the warning lines share.
using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace InteropGuard.Findings;

/// <summary>The shapes of one kind of protocol line: each record type derived from <typeparamref name="TBase"/> with its
/// <c>shape</c> name and source-generated contract. Writing serializes by the record's type; reading picks the record by
/// the line's <c>shape</c> and never throws (an unknown or missing shape reads as <typeparamref name="TBase"/>).</summary>
/// <typeparam name="TBase">The base record of the line (a finding, a warning).</typeparam>
internal sealed class ProtocolShapes<TBase>
    where TBase : class
{
    private readonly JsonTypeInfo _baseInfo;
    private readonly (Type Type, string Name, JsonTypeInfo Info)[] _shapes;

    /// <summary>A table of <paramref name="shapes"/>; <paramref name="baseInfo"/> reads and writes what no row names.</summary>
    /// <param name="baseInfo">The base record's contract.</param>
    /// <param name="shapes">One row per shape: the record type, its protocol name, its contract.</param>
    public ProtocolShapes(JsonTypeInfo baseInfo, (Type Type, string Name, JsonTypeInfo Info)[] shapes)
    {
        _baseInfo = baseInfo;
        _shapes = shapes;
        Names = Array.ConvertAll(shapes, s => s.Name);
    }

    /// <summary>Every shape name, in the order of the table.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The protocol name of a record type; null for the base record or a type that is not a shape.</summary>
    public string? NameOf(Type type)
    {
        foreach ((Type t, string name, _) in _shapes)
        {
            if (t == type)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>The protocol line of <paramref name="record"/>, without a trailing newline.</summary>
    public string Write(TBase record)
    {
        ArgumentNullException.ThrowIfNull(record);
        JsonTypeInfo info = _baseInfo;
        foreach ((Type t, _, JsonTypeInfo i) in _shapes)
        {
            if (t == record.GetType())
            {
                info = i;
                break;
            }
        }

        return JsonSerializer.Serialize(record, info);
    }

    /// <summary>The record a parsed line holds: the record of its <c>shape</c>, or the base record when the shape is
    /// missing or unknown; null when <paramref name="line"/> is not a JSON object.</summary>
    public TBase? Read(JsonElement line)
    {
        if (line.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? shape = line.TryGetProperty("shape", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        JsonTypeInfo info = _baseInfo;
        foreach ((_, string name, JsonTypeInfo i) in _shapes)
        {
            if (string.Equals(name, shape, StringComparison.Ordinal))
            {
                info = i;
                break;
            }
        }

        try
        {
            return (TBase?)line.Deserialize(info);
        }
        catch (JsonException)
        {
            return null; // the converters read every field leniently; this is a line no converter saw (not an object)
        }
    }
}
