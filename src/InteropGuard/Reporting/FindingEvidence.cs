// FindingEvidence.cs: the evidence sentence of each validator finding shape (where the word sits, its value, what it points at): the one place a validator finding is put into words.
using System;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using InteropGuard.Findings;
using InteropGuard.Native;

namespace InteropGuard.Reporting;

/// <summary>Finding → the one sentence a report prints under its headline. Pure; the validator never words a finding,
/// the reports of the target and of <c>interopguard attach</c> call this. A finding of a shape this runtime does not
/// know has no sentence here (the report then describes it from its common fields).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class FindingEvidence
{
    private const string UnknownSite = "an unknown site";
    private const string NotPinned = "which no pinned handle, POH/frozen segment or fixed stack root pins";

    /// <summary>The evidence sentence of <paramref name="f"/>, or null for the base <see cref="Finding"/> (an unknown shape).</summary>
    /// <param name="f">A finding read from the validator or made by it.</param>
    public static string? Of(Finding f) => f switch
    {
        UnpinnedWordFinding => Word(f, Text(
            $"{f.Address - (f.ObjectAddress ?? 0)} bytes into {f.ObjectType} ({f.ObjectSize ?? 0} bytes) at {Hex(f.ObjectAddress)}, {NotPinned}: the GC may move it while native code still points at it.")),
        DanglingWordFinding d => Word(f, Text(
            $"memory of the GC heap where no live object is ({AddressReasons.Words(d.Why)}): the object it pointed at was moved or collected.")),
        FreedBlockWordFinding => Word(f, Text(
            $"{Offset(f)} a {f.RangeSize ?? 0}-byte native block {Range(f)} allocated at {Site(f.AllocSite)} and freed at {Site(f.ReleaseSite)} {Ms(f.SinceReleaseMs)} ms ago.")),
        UnmappedViewWordFinding => Word(f, Text(
            $"{Offset(f)} a {f.RangeSize ?? 0}-byte mapped view {Range(f)} mapped at {Site(f.AllocSite)} and unmapped at {Site(f.ReleaseSite)} {Ms(f.SinceReleaseMs)} ms ago: the next access faults or reads whatever is mapped there now.")),
        CollectedCallScopedCallbackWordFinding => Word(f, Text(
            $"the entry of a callback passed to native code for the P/Invoke call at {Site(f.AllocSite)}, whose delegate the GC has collected since: native code kept the function pointer after the call, and a call through it runs freed code.")),
        ReleasedCallbackWordFinding => Word(f, Text(
            $"the entry of a callback created at {Site(f.AllocSite)} and released at {Site(f.ReleaseSite)} {Ms(f.SinceReleaseMs)} ms ago: native code still holds the function pointer, and a call through it runs a stub whose delegate may be gone.")),
        ReleasedPinWordFinding p => Word(f, ReleasedPin(p)),
        CollectedRetainedCallbackFinding => Word(f, Text(
            $"the entry of a callback registered at {Site(f.AllocSite)} for native code to keep, whose delegate the GC has collected: native code still holds the function pointer, and a call through it jumps into freed code.")),
        CollectedRetainedPinFinding => Text(
            $"{RetainedPin(f)} is still live, but its object was collected: native code holds memory the GC may reuse."),
        MovedRetainedPinFinding m => Text(
            $"{RetainedPin(f)} no longer covers its object: {f.ObjectType ?? "the object"} now lives at {Hex(m.ObjectNowAt)}, so native code holds stale memory."),
        UnpinnedRetainedPinFinding u => Text(
            $"{RetainedPin(f)} covers {f.ObjectType} ({f.ObjectSize ?? 0} bytes) at {Hex(u.ObjectNowAt)}, {NotPinned}: the GC may move it under native code."),
        DamagedRedzoneFinding r => DamagedRedzone(r),
        PinAliveAtExitFinding a => Text(
            $"{LeakedWhat(f)} made at {Site(f.AllocSite)} is still alive at exit ({(a.AgeNs ?? 0) / 1_000_000.0:F0} ms old); forgot to Dispose() the pin or Free() the GCHandle?"),
        PinAliveTooLongFinding t => Text(
            $"{LeakedWhat(f)} made at {Site(f.AllocSite)} has been alive for {(t.AgeNs ?? 0) / 1_000_000.0:F0} ms (pin_leak_ms={t.PinLeakMs ?? 0}); forgot to Dispose() it?"),
        _ => null,
    };

    /// <summary>"&lt;where the word sits&gt; holds 0x&lt;value&gt;, &lt;what it points at&gt;".</summary>
    private static string Word(Finding f, string pointsAt)
    {
        string holder = f.Holder switch
        {
            "native-block" => Text($"{f.HolderOffset ?? 0} bytes into a {f.HolderSize ?? 0}-byte native block {Span(f.HolderStart, f.HolderSize)} allocated at {Site(f.HolderSite)}"),
            "native-region" => Text($"{f.HolderOffset ?? 0} bytes into a {f.HolderSize ?? 0}-byte native region {Span(f.HolderStart, f.HolderSize)} registered at {Site(f.HolderSite)}"),
            "native-heap" => Text($"{f.HolderOffset ?? 0} bytes into a {f.HolderSize ?? 0}-byte block that {Allocator(f.Library)} allocated with {f.HolderHow} at {f.HolderSite?.Function ?? "an unknown address"}"),
            _ => Text($"the data segment (.data/.bss) of {Path.GetFileName(f.Library)} at {Hex(f.HolderAddress)}"),
        };
        return Text($"{holder} holds {Hex(f.Address)}, {pointsAt}");
    }

    /// <summary>Who asked for a native-heap block: a native library by file name, or managed code when the caller lies in a
    /// managed image (libSystem.Native's SystemNative_Malloc &amp; co. tail-call malloc, so the return address is the P/Invoke's).</summary>
    private static string Allocator(string? library) =>
        library is null ? "native code"
        : library.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? "managed code (NativeMemory or Marshal.AllocHGlobal, through libSystem.Native)"
        : Path.GetFileName(library);

    private static string ReleasedPin(ReleasedPinWordFinding p)
    {
        string obj = p.ObjectCollected == true ? " of an object that was collected since"
            : p.ObjectType is { } type && p.ObjectNowAt is { } at ? Text($" of {type} (now at {Hex(at)})")
            : "";
        ulong flags = p.RangeFlags ?? 0;
        string noun = (flags & IgConstants.FlagManagedString) != 0 ? "pinned string" : "pin";
        string span = (flags & IgConstants.FlagCallScoped) != 0
            ? Text($"pinned only for the P/Invoke call at {Site(p.AllocSite)}")
            : Text($"made at {Site(p.AllocSite)} and released at {Site(p.ReleaseSite)}");
        return Text($"{Offset(p)} a {p.RangeSize ?? 0}-byte {noun} {Range(p)}{obj} {span} {Ms(p.SinceReleaseMs)} ms ago: the GC may move or free that memory.");
    }

    private static string DamagedRedzone(DamagedRedzoneFinding r)
    {
        long first = r.Detail ?? 0;
        string where = first < 0 ? Text($"{-first} bytes before its start (the left canary)")
            : first == 0 ? "its first byte past the end"
            : Text($"{first} bytes past its end");
        return Text(
            $"a redzone of the {r.RangeSize ?? 0}-byte native block {Range(r)} allocated at {Site(r.AllocSite)} was overwritten from {where}: {r.DamagedBytes ?? 0} damaged bytes (canary 0x{r.Canary ?? 0:x2}, found 0x{r.Found ?? 0:x2}); native code wrote outside the block between calls.");
    }

    /// <summary>"a retained N-byte pin [a, b) made at Site.cs:12".</summary>
    private static string RetainedPin(Finding f) =>
        Text($"a retained {f.RangeSize ?? 0}-byte pin {Range(f)} made at {Site(f.AllocSite)}");

    private static string LeakedWhat(Finding f) =>
        f.RangeKind == "callback" ? "a callback handle" : Text($"a pin of {f.RangeSize ?? 0} bytes {Range(f)}");

    /// <summary>"K bytes into" or "K bytes before" the range, for the value the word holds.</summary>
    private static string Offset(Finding f)
    {
        ulong w = f.Address ?? 0, start = f.RangeStart ?? 0;
        return w >= start ? Text($"{w - start} bytes into") : Text($"{start - w} bytes before");
    }

    private static string Range(Finding f) => Span(f.RangeStart, f.RangeSize);

    private static string Span(ulong? start, ulong? size) => Text($"[{Hex(start)}, {Hex((start ?? 0) + (size ?? 0))})");

    private static string Site(FindingSite? site) => site?.Short ?? UnknownSite;

    private static string Hex(ulong? value) => "0x" + (value ?? 0).ToString("x", CultureInfo.InvariantCulture);

    private static string Ms(double? ms) => (ms ?? 0).ToString("F1", CultureInfo.InvariantCulture);

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
