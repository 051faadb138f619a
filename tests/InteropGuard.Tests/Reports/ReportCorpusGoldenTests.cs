// ReportCorpusGoldenTests.cs - every report shape (and the variants its wording branches on) built from fixed data and
// formatted as text, JSON line and one SARIF document, compared byte for byte with ReportCorpus.golden.txt.
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using InteropGuard.Native;
using InteropGuard.Pooling;
using InteropGuard.Reporting;
using InteropGuard.Validation;
using InteropGuard.Violations;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

public sealed class ReportCorpusGoldenTests
{
    private static readonly SourceSite Access = new("MyApp.Imaging.Decoder.ReadRow", "/src/MyApp/Decoder.cs", 88);
    private static readonly SourceSite Alloc = new("MyApp.Imaging.Decoder..ctor", "/src/MyApp/Decoder.cs", 40);
    private static readonly SourceSite Free = new("MyApp.Imaging.Decoder.Dispose", "/src/MyApp/Decoder.cs", 131);
    private static readonly SourceSite Stacked = new("MyApp.Imaging.Decoder.Dispose", "/src/MyApp/Decoder.cs", 131,
        "   at MyApp.Imaging.Decoder.Dispose()  /src/MyApp/Decoder.cs:131\n   at MyApp.Program.Main()  /src/MyApp/Program.cs:9\n");
    private static readonly SourceSite NoSite = new("", "", 0);
    private static readonly ThreadInfo Worker = new(7, "worker", 41230);
    private static readonly DateTimeOffset At = new(2026, 12, 6, 13, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Since = TimeSpan.FromMilliseconds(2.1);
    private static readonly nint Block = unchecked((nint)0x7f3a1c004000);
    private static readonly nint Cookie = unchecked((nint)0x10000002a);

    /// <summary><paramref name="v"/> as detected on a fixed thread at a fixed time.</summary>
    private static Violation Fixed(Violation v) => v with { Thread = Worker, Time = At };

    /// <summary>The corpus: a name and the violation, in report order.</summary>
    internal static IEnumerable<(string Name, Violation V)> Corpus()
    {
        // Pointers at a call (ig_check found the argument in a freed, released or out-of-bounds range).
        yield return ("call: use after free", Fixed(new PointerAtCallViolation(ViolationKind.NativeUseAfterFree, Block + 16) { Size = 4, Argument = "src", AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 256), AllocationSite = Alloc, ReleaseSite = Stacked, SinceRelease = Since }));
        yield return ("call: use after free, no range", Fixed(new PointerAtCallViolation(ViolationKind.NativeUseAfterFree, Block + 16) { Size = 4, AccessSite = Access }));
        yield return ("call: overflow inside", Fixed(new PointerAtCallViolation(ViolationKind.NativeBufferOverflow, Block + 60) { Size = 8, Argument = "dst", AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 64), AllocationSite = Alloc }));
        yield return ("call: overflow past the end", Fixed(new PointerAtCallViolation(ViolationKind.NativeBufferOverflow, Block + 68) { Size = 2, Argument = "dst", AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 64), AllocationSite = Alloc }));
        yield return ("call: overflow, no range", Fixed(new PointerAtCallViolation(ViolationKind.NativeBufferOverflow, Block + 68) { Size = 2, Argument = "dst", AccessSite = Access }));
        yield return ("call: use after unpin", Fixed(new PointerAtCallViolation(ViolationKind.UseAfterUnpin, Block + 8) { Size = 4, Argument = "p", AccessSite = Access, Range = new(RangeKind.ManagedPin, Block, 88), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = TimeSpan.FromMilliseconds(12.5) }));
        yield return ("call: use after unpin of a string", Fixed(new PointerAtCallViolation(ViolationKind.UseAfterUnpin, Block) { Size = 4, Argument = "text", AccessSite = Access, Range = new(RangeKind.ManagedPin, Block, 18, IgConstants.FlagManagedString), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = TimeSpan.FromSeconds(12) }));
        yield return ("call: use after unmap, still mapped", Fixed(new UnmappedViewAtCallViolation(Block + 4096, true) { Size = 16, Argument = "view", AccessSite = Access, Range = new(RangeKind.MappedView, Block, 65536), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("call: use after unmap, unmapped", Fixed(new UnmappedViewAtCallViolation(Block + 4096, false) { Size = 16, Argument = "view", AccessSite = Access, Range = new(RangeKind.MappedView, Block, 65536), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("call: released callback", Fixed(new PointerAtCallViolation(ViolationKind.CollectedDelegateCallback, Block) { Size = 1, Argument = "cb", AccessSite = Access, Range = new(RangeKind.Callback, Block, 1), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("call: collected call-scoped callback", Fixed(new PointerAtCallViolation(ViolationKind.CollectedDelegateCallback, Block) { Size = 1, Argument = "cb", AccessSite = Access, Range = new(RangeKind.Callback, Block, 1, IgConstants.FlagCallScoped), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("call: returned pooled array", Fixed(new PointerAtCallViolation(ViolationKind.ArrayPoolUseAfterReturn, Block + 32) { Size = 16, Argument = "buffer", AccessSite = Access, Range = new(RangeKind.ManagedPin, Block, 4096, IgConstants.FlagPooledArray), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));

        // Frees, Verify and the native allocator.
        yield return ("free: double free", Fixed(new FreeViolation(ViolationKind.DoubleFree, Block) { AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 16), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("free: double free of an interior pointer", Fixed(new FreeViolation(ViolationKind.DoubleFree, Block + 8) { AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 16), AllocationSite = Alloc, ReleaseSite = Free }));
        yield return ("free: double free, no range", Fixed(new FreeViolation(ViolationKind.DoubleFree, Block) { AccessSite = Access }));
        yield return ("free: invalid free, no range", Fixed(new FreeViolation(ViolationKind.InvalidFree, Block) { AccessSite = Access }));
        yield return ("free: invalid free of an interior pointer", Fixed(new FreeViolation(ViolationKind.InvalidFree, Block + 8) { AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 16), AllocationSite = Alloc }));
        yield return ("free: invalid free of a pin", Fixed(new FreeViolation(ViolationKind.InvalidFree, Block) { AccessSite = Access, Range = new(RangeKind.ManagedPin, Block, 16), AllocationSite = Alloc }));
        yield return ("free: damaged redzone", Fixed(new FreeViolation(ViolationKind.NativeBufferOverflow, Block + 67) { RedzoneOffset = 3, AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 64), AllocationSite = Alloc }));
        yield return ("verify: right redzone", Fixed(new DamagedRedzoneViolation(ViolationKind.NativeBufferOverflow, Block + 64) { AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 64), AllocationSite = Alloc }));
        yield return ("verify: right redzone by detail", Fixed(new DamagedRedzoneViolation(ViolationKind.NativeBufferOverflow, Block) { RedzoneOffset = 5, AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 64), AllocationSite = Alloc }));
        yield return ("verify: left redzone", Fixed(new DamagedRedzoneViolation(ViolationKind.NativeBufferOverflow, Block - 3) { AccessSite = NoSite, Range = new(RangeKind.NativeBlock, Block, 64), AllocationSite = Alloc }));
        yield return ("native: use after free", Fixed(new NativeReportedViolation(ViolationKind.NativeUseAfterFree, Block + 16) { Size = 4, AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 256), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("native: double free", Fixed(new NativeReportedViolation(ViolationKind.DoubleFree, Block) { Range = new(RangeKind.NativeBlock, Block, 256), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("native: redzone", Fixed(new NativeReportedViolation(ViolationKind.NativeBufferOverflow, Block + 256) { AccessSite = Access, Range = new(RangeKind.NativeBlock, Block, 256), AllocationSite = Alloc }));

        // Checked handles.
        yield return ("handle: use after free", Fixed(new InvalidHandleViolation(Cookie, true, false) { AccessSite = Access, AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("handle: second free, slot reused", Fixed(new InvalidHandleViolation(Cookie, true, true) { AccessSite = Access, AllocationSite = Alloc }));
        yield return ("handle: default", Fixed(new InvalidHandleViolation(0, false, false) { AccessSite = Access }));
        yield return ("handle: never issued", Fixed(new InvalidHandleViolation(0x5, false, true) { AccessSite = Access }));

        // The guarded array pool.
        yield return ("pool: written after return, by Verify", Fixed(new PooledArrayWrittenViolation(Block + 20, "byte[4096]", 1, true) { Size = 1, AccessSite = Access, Range = new(RangeKind.ManagedPin, Block, 4096, IgConstants.FlagPooledArray), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("pool: written after return, at quarantine exit", Fixed(new PooledArrayWrittenViolation(Block + 20, "int[1024]", 5, false) { Size = 8, AccessSite = Access, Range = new(RangeKind.ManagedPin, Block, 4096, IgConstants.FlagPooledArray), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("pool: double return, idle", Fixed(new PooledArrayReturnedTwiceViolation(Block, "byte[4096]", PooledArrayState.Idle) { AccessSite = Access, Range = new(RangeKind.ManagedPin, Block, 4096, IgConstants.FlagPooledArray), AllocationSite = Alloc, ReleaseSite = Free, SinceRelease = Since }));
        yield return ("pool: double return, quarantined", Fixed(new PooledArrayReturnedTwiceViolation(Block, "byte[4096]", PooledArrayState.Quarantined) { AccessSite = Access, Range = new(RangeKind.ManagedPin, Block, 4096, IgConstants.FlagPooledArray), AllocationSite = Alloc, ReleaseSite = Free }));
        yield return ("pool: return while pinned", Fixed(new PooledArrayReturnedPinnedViolation(Block, "byte[4096]") { AccessSite = Access, Range = new(RangeKind.ManagedPin, Block, 4096, IgConstants.FlagPooledArray), AllocationSite = Alloc, ReleaseSite = Free }));

        // Callbacks and SafeHandles.
        yield return ("callback: called after release", Fixed(new CallbackCalledAfterReleaseViolation(Block, "Comparison") { AccessSite = Access, Range = new(RangeKind.Callback, Block, 1), AllocationSite = Alloc, ReleaseSite = Stacked, SinceRelease = Since }));
        yield return ("callback: called after release from a native thread", Fixed(new CallbackCalledAfterReleaseViolation(Block, "Comparison") { AccessSite = SourceSite.StandIn(SiteKind.NativeThreadWithoutCaller), Range = new(RangeKind.Callback, Block, 1), AllocationSite = Alloc }));
        yield return ("handle: released while retained", Fixed(new HandleReleasedWhileRetainedViolation(0x1c, "FileHandle", HandleReleaser.Dispose, 0) { AccessSite = Access, AllocationSite = Alloc, ReleaseSite = Free }));
        yield return ("handle: finalized while retained", Fixed(new HandleReleasedWhileRetainedViolation(0x1c, "FileHandle", HandleReleaser.Finalizer, 1) { AccessSite = Access, AllocationSite = Alloc, ReleaseSite = SourceSite.StandIn(SiteKind.FinalizerOfUndisposedHandle) }));
        yield return ("handle: disposed on the finalizer thread while retained", Fixed(new HandleReleasedWhileRetainedViolation(0x1c, "FileHandle", HandleReleaser.DisposeOnFinalizerThread, 2) { AccessSite = Access, AllocationSite = Alloc, ReleaseSite = Free.OnFinalizerThread() }));
        yield return ("handle: closed while retained", Fixed(new HandleClosedWhileRetainedViolation(0x1c, "SafeFileHandle", Free) { AccessSite = Access, AllocationSite = Alloc, ReleaseSite = SourceSite.StandIn(SiteKind.UnnamedHandleCloser) }));
        yield return ("handle: finalized without Dispose", Fixed(new HandleFinalizedViolation(0x1c, "FileHandle") { AccessSite = Alloc, AllocationSite = Alloc }));
        yield return ("call: handle closed during the call", Fixed(new HandleClosedDuringCallViolation(0x1c, "FileHandle") { Argument = "handle", AccessSite = Access, AllocationSite = Alloc, ReleaseSite = Free }));
        yield return ("call: raw handle unreachable", Fixed(new RawHandleReleasedDuringCallViolation(0x1c, "FileHandle", true, false) { Argument = "h.DangerousGetHandle()", AccessSite = Access, AllocationSite = Alloc, ReleaseSite = SourceSite.StandIn(SiteKind.FinalizerOfUnreachableHandle) }));
        yield return ("call: raw handle collected", Fixed(new RawHandleReleasedDuringCallViolation(0x1c, "FileHandle", true, true) { Argument = "h.DangerousGetHandle()", AccessSite = Access, ReleaseSite = SourceSite.StandIn(SiteKind.FinalizerOfUnreachableHandle) }));
        yield return ("call: raw handle closed", Fixed(new RawHandleReleasedDuringCallViolation(0x1c, "FileHandle", false, false) { Argument = "h.DangerousGetHandle()", AccessSite = Access, AllocationSite = Alloc }));

        // Asked of the validator at the call.
        yield return ("call: unpinned managed pointer", Fixed(new UnpinnedPointerAtCallViolation(Block + 16, 12) { Size = 8, Argument = "args.Data", AccessSite = Access, ManagedObject = new ViolationObject(Block, "System.Byte[]", 1048, 16) }));
        yield return ("call: unpinned managed pointer of unknown type", Fixed(new UnpinnedPointerAtCallViolation(Block + 16, 12) { Size = 8, Argument = "args.Data", AccessSite = Access, ManagedObject = new ViolationObject(Block, null, 1048, 16) }));

        // Validator findings, built from their protocol lines.
        foreach ((string name, string json) in Findings())
        {
            using System.Text.Json.JsonDocument doc = System.Text.Json.JsonDocument.Parse(json);
            Violation? v = ValidatorFindingParser.ToViolation(doc.RootElement, new TargetSweepOrigin(12, 0, 3), out string? badKind);
            Assert.That(v, Is.Not.Null, name + ": " + badKind);
            yield return ("validator: " + name, v!);
        }
    }

    private static IEnumerable<(string Name, string Json)> Findings()
    {
        const string keep = "\"holder\":\"native-block\",\"holderAddress\":\"0x5581e2b0a008\",\"holderStart\":\"0x5581e2b0a000\",\"holderSize\":64,\"holderOffset\":8,\"holderSite\":{\"function\":\"Demo.Keep\",\"file\":\"/src/Demo.cs\",\"line\":42}";
        yield return ("unpinned word", "{\"ev\":\"finding\",\"shape\":\"unpinned-word\",\"kind\":\"unpinned-managed-pointer\",\"address\":\"0x7f1c2a4b0010\",\"size\":8," + keep + ",\"objectAddress\":\"0x7f1c2a4b0000\",\"objectType\":\"System.Byte[]\",\"objectSize\":1048,\"objectOffset\":16}");
        yield return ("dangling word in library data", "{\"ev\":\"finding\",\"shape\":\"dangling-word\",\"kind\":\"dangling-managed-pointer\",\"address\":\"0x7e0000001234\",\"size\":8,\"holder\":\"library-data\",\"holderAddress\":\"0x7f0000000040\",\"holderStart\":\"0x7f0000000000\",\"holderSize\":4096,\"holderOffset\":64,\"library\":\"/app/lib/libfoo.so\",\"why\":\"free-space\"}");
        yield return ("freed block word", "{\"ev\":\"finding\",\"shape\":\"freed-block-word\",\"kind\":\"native-use-after-free\",\"address\":\"0x7000020\",\"size\":8," + keep + ",\"rangeKind\":\"native-block\",\"rangeStart\":\"0x7000000\",\"rangeSize\":256,\"allocSite\":{\"function\":\"Decoder..ctor\",\"file\":\"/src/Decoder.cs\",\"line\":40},\"releaseSite\":{\"function\":\"Decoder.Dispose\",\"file\":\"/src/Decoder.cs\",\"line\":131},\"sinceReleaseMs\":12.5}");
        yield return ("released string pin word in a library's heap", "{\"ev\":\"finding\",\"shape\":\"released-pin-word\",\"kind\":\"use-after-unpin\",\"address\":\"0x7e0000000010\",\"size\":8,\"holder\":\"native-heap\",\"holderAddress\":\"0x5581e2b0a008\",\"holderStart\":\"0x5581e2b0a000\",\"holderSize\":88,\"holderOffset\":8,\"holderHow\":\"malloc\",\"holderSite\":{\"function\":\"sqlite3_bind_text\",\"file\":\"\",\"line\":0},\"library\":\"/usr/lib/libsqlite3.so\",\"rangeKind\":\"managed-pin\",\"rangeFlags\":\"0x10000\",\"rangeStart\":\"0x7e0000000000\",\"rangeSize\":32,\"allocSite\":{\"function\":\"Db.Bind\",\"file\":\"/src/Db.cs\",\"line\":7},\"releaseSite\":{\"function\":\"Db.Bind\",\"file\":\"/src/Db.cs\",\"line\":9},\"sinceReleaseMs\":0.4}");
        yield return ("damaged redzone", "{\"ev\":\"finding\",\"shape\":\"damaged-redzone\",\"kind\":\"native-buffer-overflow\",\"address\":\"0x7000040\",\"size\":2,\"holder\":\"range\",\"rangeKind\":\"native-block\",\"rangeStart\":\"0x7000000\",\"rangeSize\":64,\"allocSite\":{\"function\":\"Decoder..ctor\",\"file\":\"/src/Decoder.cs\",\"line\":40},\"detail\":0,\"damagedBytes\":2,\"canary\":165,\"found\":0}");
        yield return ("pin alive at exit", "{\"ev\":\"finding\",\"shape\":\"pin-alive-at-exit\",\"kind\":\"leaked-pin\",\"address\":\"0x7e0000000000\",\"size\":64,\"holder\":\"range\",\"rangeKind\":\"managed-pin\",\"rangeStart\":\"0x7e0000000000\",\"rangeSize\":64,\"allocSite\":{\"function\":\"Decoder..ctor\",\"file\":\"/src/Decoder.cs\",\"line\":40},\"ageNs\":5000000000}");
        yield return ("a shape this version does not know", "{\"ev\":\"finding\",\"shape\":\"future-shape\",\"kind\":\"use-after-unpin\",\"address\":\"0x7e0000000010\",\"size\":8,\"holderAddress\":\"0x6010\",\"holderStart\":\"0x6000\",\"holderSize\":128,\"holder\":\"native-region\",\"rangeKind\":\"managed-pin\",\"rangeStart\":\"0x7e0000000000\",\"rangeSize\":64,\"allocSite\":{\"function\":\"Decoder..ctor\",\"file\":\"/src/Decoder.cs\",\"line\":40},\"sinceReleaseMs\":3.25}");
        yield return ("dangling word, no fields", "{\"ev\":\"finding\",\"kind\":\"dangling-managed-pointer\",\"address\":\"0x7e0000001234\"}");
    }

    private static string Render()
    {
        var sb = new StringBuilder();
        var all = new List<Violation>();
        foreach ((string name, Violation v) in Corpus())
        {
            all.Add(v);
            sb.Append("### ").Append(name).Append('\n');
            sb.Append(v.ToString());
            sb.Append(Normalized(FindingReports.JsonLine(v))).Append('\n');
            sb.Append("dedupe: ").Append(FindingReports.DedupeKey(v)).Append('\n');
        }

        sb.Append("### SARIF\n").Append(Normalized(FindingReports.Sarif(all))).Append('\n');
        return sb.ToString();
    }

    /// <summary>The validator findings are stamped with the time they are read; everything else is fixed.</summary>
    private static string Normalized(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "\"time\":\"[^\"]*\"", "\"time\":\"(time)\"")
            .Replace("\"version\": \"" + typeof(Violation).Assembly.GetName().Version, "\"version\": \"(version)", StringComparison.Ordinal);

    private static string GoldenPath([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "ReportCorpus.golden.txt");

    [Test]
    public void EveryShapeRecord_IsInTheCorpus()
    {
        var shapes = new HashSet<Type>();
        foreach ((string _, Violation v) in Corpus())
        {
            shapes.Add(v.GetType());
        }

        Type[] declared = Array.FindAll(typeof(Violation).Assembly.GetTypes(), t => t.IsSubclassOf(typeof(Violation)) && !t.IsAbstract);
        Assert.That(declared, Has.Length.GreaterThan(10), "the shape records were not found");
        Assert.That(Array.FindAll(declared, t => !shapes.Contains(t)), Is.Empty, "a shape record without a golden report: add it to Corpus()");
    }

    [Test]
    public void EveryShape_FormatsByteForByteAsTheGoldenFile()
    {
        string actual = Render();
        string path = GoldenPath();
        if (Environment.GetEnvironmentVariable("INTEROPGUARD_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            Assert.Inconclusive("wrote " + path);
        }

        Assert.That(File.Exists(path), Is.True, "no golden file; run once with INTEROPGUARD_UPDATE_GOLDEN=1 and review it");
        string expected = File.ReadAllText(path);
        if (actual != expected)
        {
            string[] a = actual.Split('\n'), e = expected.Split('\n');
            int i = 0;
            while (i < a.Length && i < e.Length && a[i] == e[i])
            {
                i++;
            }

            Assert.Fail($"line {i + 1} differs:\nexpected: {(i < e.Length ? e[i] : "(end)")}\nactual:   {(i < a.Length ? a[i] : "(end)")}");
        }
    }
}
