// ReportCorpusGoldenTests.cs - every report shape (and the variants its wording branches on) built from fixed data and
// formatted as text, JSON line and one SARIF document, compared byte for byte with ReportCorpus.golden.txt.
using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using InteropGuard.Facts;
using InteropGuard.Native;
using InteropGuard.Pooling;
using InteropGuard.Reporting;
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

    private static Violation V(ViolationKind kind, ViolationContext context, nint address, nint size, string? argument, SourceSite? access,
        RangeKind rangeKind, nint start, nint rangeSize, SourceSite? alloc, SourceSite? release, TimeSpan? since, long detail = 0,
        ViolationFacts? facts = null, ViolationHolder? holder = null, ViolationObject? managedObject = null, string? foundBy = null, uint flags = 0) =>
        new(kind, context, address, size, argument, access, rangeKind, start, rangeSize, alloc, release, since, detail, facts, Worker, At,
            holder, managedObject, null, foundBy, flags);

    /// <summary>The corpus: a name and the violation, in report order.</summary>
    private static IEnumerable<(string Name, Violation V)> Corpus()
    {
        // Pointers at a call (ig_check found the argument in a freed, released or out-of-bounds range).
        yield return ("call: use after free", V(ViolationKind.NativeUseAfterFree, ViolationContext.Call, Block + 16, 4, "src", Access, RangeKind.NativeBlock, Block, 256, Alloc, Stacked, Since));
        yield return ("call: use after free, no range", V(ViolationKind.NativeUseAfterFree, ViolationContext.Call, Block + 16, 4, null, Access, RangeKind.None, 0, 0, null, null, null));
        yield return ("call: overflow inside", V(ViolationKind.NativeBufferOverflow, ViolationContext.Call, Block + 60, 8, "dst", Access, RangeKind.NativeBlock, Block, 64, Alloc, null, null));
        yield return ("call: overflow past the end", V(ViolationKind.NativeBufferOverflow, ViolationContext.Call, Block + 68, 2, "dst", Access, RangeKind.NativeBlock, Block, 64, Alloc, null, null));
        yield return ("call: overflow, no range", V(ViolationKind.NativeBufferOverflow, ViolationContext.Call, Block + 68, 2, "dst", Access, RangeKind.None, 0, 0, null, null, null));
        yield return ("call: use after unpin", V(ViolationKind.UseAfterUnpin, ViolationContext.Call, Block + 8, 4, "p", Access, RangeKind.ManagedPin, Block, 88, Alloc, Free, TimeSpan.FromMilliseconds(12.5)));
        yield return ("call: use after unpin of a string", V(ViolationKind.UseAfterUnpin, ViolationContext.Call, Block, 4, "text", Access, RangeKind.ManagedPin, Block, 18, Alloc, Free, TimeSpan.FromSeconds(12), flags: IgConstants.FlagManagedString));
        yield return ("call: use after unmap, still mapped", V(ViolationKind.UseAfterUnmap, ViolationContext.Call, Block + 4096, 16, "view", Access, RangeKind.MappedView, Block, 65536, Alloc, Free, Since, facts: new ViewMappingFacts(true)));
        yield return ("call: use after unmap, unmapped", V(ViolationKind.UseAfterUnmap, ViolationContext.Call, Block + 4096, 16, "view", Access, RangeKind.MappedView, Block, 65536, Alloc, Free, Since, facts: new ViewMappingFacts(false)));
        yield return ("call: released callback", V(ViolationKind.CollectedDelegateCallback, ViolationContext.Call, Block, 1, "cb", Access, RangeKind.Callback, Block, 1, Alloc, Free, Since));
        yield return ("call: collected call-scoped callback", V(ViolationKind.CollectedDelegateCallback, ViolationContext.Call, Block, 1, "cb", Access, RangeKind.Callback, Block, 1, Alloc, Free, Since, flags: IgConstants.FlagCallScoped));
        yield return ("call: returned pooled array", V(ViolationKind.ArrayPoolUseAfterReturn, ViolationContext.Call, Block + 32, 16, "buffer", Access, RangeKind.ManagedPin, Block, 4096, Alloc, Free, Since, flags: IgConstants.FlagPooledArray));

        // Frees, Verify and the native allocator.
        yield return ("free: double free", V(ViolationKind.DoubleFree, ViolationContext.Free, Block, 0, null, Access, RangeKind.NativeBlock, Block, 16, Alloc, Free, Since));
        yield return ("free: double free of an interior pointer", V(ViolationKind.DoubleFree, ViolationContext.Free, Block + 8, 0, null, Access, RangeKind.NativeBlock, Block, 16, Alloc, Free, null));
        yield return ("free: double free, no range", V(ViolationKind.DoubleFree, ViolationContext.Free, Block, 0, null, Access, RangeKind.None, 0, 0, null, null, null));
        yield return ("free: invalid free, no range", V(ViolationKind.InvalidFree, ViolationContext.Free, Block, 0, null, Access, RangeKind.None, 0, 0, null, null, null));
        yield return ("free: invalid free of an interior pointer", V(ViolationKind.InvalidFree, ViolationContext.Free, Block + 8, 0, null, Access, RangeKind.NativeBlock, Block, 16, Alloc, null, null));
        yield return ("free: invalid free of a pin", V(ViolationKind.InvalidFree, ViolationContext.Free, Block, 0, null, Access, RangeKind.ManagedPin, Block, 16, Alloc, null, null));
        yield return ("free: damaged redzone", V(ViolationKind.NativeBufferOverflow, ViolationContext.Free, Block + 67, 0, null, Access, RangeKind.NativeBlock, Block, 64, Alloc, null, null, 3));
        yield return ("verify: right redzone", V(ViolationKind.NativeBufferOverflow, ViolationContext.Verify, Block + 64, 0, null, Access, RangeKind.NativeBlock, Block, 64, Alloc, null, null));
        yield return ("verify: right redzone by detail", V(ViolationKind.NativeBufferOverflow, ViolationContext.Verify, Block, 0, null, Access, RangeKind.NativeBlock, Block, 64, Alloc, null, null, 5));
        yield return ("verify: left redzone", V(ViolationKind.NativeBufferOverflow, ViolationContext.Verify, Block - 3, 0, null, NoSite, RangeKind.NativeBlock, Block, 64, Alloc, null, null));
        yield return ("native: use after free", V(ViolationKind.NativeUseAfterFree, ViolationContext.Native, Block + 16, 4, null, Access, RangeKind.NativeBlock, Block, 256, Alloc, Free, Since));
        yield return ("native: double free", V(ViolationKind.DoubleFree, ViolationContext.Native, Block, 0, null, null, RangeKind.NativeBlock, Block, 256, Alloc, Free, Since));
        yield return ("native: redzone", V(ViolationKind.NativeBufferOverflow, ViolationContext.Native, Block + 256, 0, null, Access, RangeKind.NativeBlock, Block, 256, Alloc, null, null));

        // Checked handles.
        yield return ("handle: use after free", V(ViolationKind.InvalidHandle, ViolationContext.HandleUse, Cookie, 0, null, Access, RangeKind.None, 0, 0, Alloc, Free, Since, facts: new RejectedHandleFacts(true, false)));
        yield return ("handle: second free, slot reused", V(ViolationKind.InvalidHandle, ViolationContext.HandleFree, Cookie, 0, null, Access, RangeKind.None, 0, 0, Alloc, null, null, facts: new RejectedHandleFacts(true, true)));
        yield return ("handle: default", V(ViolationKind.InvalidHandle, ViolationContext.HandleUse, 0, 0, null, Access, RangeKind.None, 0, 0, null, null, null, facts: new RejectedHandleFacts(false, false)));
        yield return ("handle: never issued", V(ViolationKind.InvalidHandle, ViolationContext.HandleFree, 0x5, 0, null, Access, RangeKind.None, 0, 0, null, null, null, facts: new RejectedHandleFacts(false, true)));

        // The guarded array pool.
        yield return ("pool: written after return, by Verify", V(ViolationKind.ArrayPoolUseAfterReturn, ViolationContext.PoolVerify, Block + 20, 1, null, Access, RangeKind.ManagedPin, Block, 4096, Alloc, Free, Since, 1, new PooledArrayFacts("byte[4096]"), flags: IgConstants.FlagPooledArray));
        yield return ("pool: written after return, at quarantine exit", V(ViolationKind.ArrayPoolUseAfterReturn, ViolationContext.PoolQuarantineExit, Block + 20, 8, null, Access, RangeKind.ManagedPin, Block, 4096, Alloc, Free, Since, 5, new PooledArrayFacts("int[1024]"), flags: IgConstants.FlagPooledArray));
        yield return ("pool: double return, idle", V(ViolationKind.ArrayPoolUseAfterReturn, ViolationContext.PoolDoubleReturn, Block, 0, null, Access, RangeKind.ManagedPin, Block, 4096, Alloc, Free, Since, (long)PooledArrayState.Idle, new PooledArrayFacts("byte[4096]"), flags: IgConstants.FlagPooledArray));
        yield return ("pool: double return, quarantined", V(ViolationKind.ArrayPoolUseAfterReturn, ViolationContext.PoolDoubleReturn, Block, 0, null, Access, RangeKind.ManagedPin, Block, 4096, Alloc, Free, null, (long)PooledArrayState.Quarantined, new PooledArrayFacts("byte[4096]"), flags: IgConstants.FlagPooledArray));
        yield return ("pool: return while pinned", V(ViolationKind.ArrayPoolUseAfterReturn, ViolationContext.PoolReturnWhilePinned, Block, 0, null, Access, RangeKind.ManagedPin, Block, 4096, Alloc, Free, null, 0, new PooledArrayFacts("byte[4096]"), flags: IgConstants.FlagPooledArray));

        // Callbacks and SafeHandles.
        yield return ("callback: called after release", V(ViolationKind.CollectedDelegateCallback, ViolationContext.CallbackInvoke, Block, 0, null, Access, RangeKind.Callback, Block, 1, Alloc, Stacked, Since, facts: new CallbackStubFacts("Comparison")));
        yield return ("callback: called after release from a native thread", V(ViolationKind.CollectedDelegateCallback, ViolationContext.CallbackInvoke, Block, 0, null, new SourceSite("(native code on a thread with no managed caller)", "", 0), RangeKind.Callback, Block, 1, Alloc, null, null, facts: new CallbackStubFacts("Comparison")));
        yield return ("handle: released while retained", V(ViolationKind.HandleReleasedInUse, ViolationContext.HandleRelease, 0x1c, 0, null, Access, RangeKind.None, 0, 0, Alloc, Free, null, facts: new HandleReleasedWhileRetainedFacts("FileHandle", HandleReleaser.Dispose, 0)));
        yield return ("handle: finalized while retained", V(ViolationKind.HandleReleasedInUse, ViolationContext.HandleRelease, 0x1c, 0, null, Access, RangeKind.None, 0, 0, Alloc, new SourceSite("(finalizer of FileHandle)", "", 0), null, facts: new HandleReleasedWhileRetainedFacts("FileHandle", HandleReleaser.Finalizer, 1)));
        yield return ("handle: disposed on the finalizer thread while retained", V(ViolationKind.HandleReleasedInUse, ViolationContext.HandleRelease, 0x1c, 0, null, Access, RangeKind.None, 0, 0, Alloc, Free, null, facts: new HandleReleasedWhileRetainedFacts("FileHandle", HandleReleaser.DisposeOnFinalizerThread, 2)));
        yield return ("handle: closed while retained", V(ViolationKind.HandleReleasedInUse, ViolationContext.HandleReleasedByNative, 0x1c, 0, null, Access, RangeKind.None, 0, 0, Alloc, new SourceSite("(Dispose, Close or a finalizer)", "", 0), null, facts: new HandleClosedWhileRetainedFacts("SafeFileHandle", Free)));
        yield return ("handle: finalized without Dispose", V(ViolationKind.LeakedPin, ViolationContext.HandleFinalized, 0x1c, 0, null, Alloc, RangeKind.None, 0, 0, Alloc, null, null, facts: new HandleFinalizedFacts("FileHandle")));
        yield return ("call: handle closed during the call", V(ViolationKind.HandleReleasedInUse, ViolationContext.Call, 0x1c, 0, "handle", Access, RangeKind.None, 0, 0, Alloc, Free, null, 0, new HandleClosedDuringCallFacts("FileHandle")));
        yield return ("call: raw handle unreachable", V(ViolationKind.HandleReleasedInUse, ViolationContext.Call, 0x1c, 0, "h.DangerousGetHandle()", Access, RangeKind.None, 0, 0, Alloc, new SourceSite("(the GC's finalizer thread)", "", 0), null, Violation.DetailRawHandle, new RawHandleFacts("FileHandle", true, false)));
        yield return ("call: raw handle collected", V(ViolationKind.HandleReleasedInUse, ViolationContext.Call, 0x1c, 0, "h.DangerousGetHandle()", Access, RangeKind.None, 0, 0, null, new SourceSite("(the GC's finalizer thread)", "", 0), null, Violation.DetailRawHandle, new RawHandleFacts("FileHandle", true, true)));
        yield return ("call: raw handle closed", V(ViolationKind.HandleReleasedInUse, ViolationContext.Call, 0x1c, 0, "h.DangerousGetHandle()", Access, RangeKind.None, 0, 0, Alloc, null, null, Violation.DetailRawHandle, new RawHandleFacts("FileHandle", false, false)));

        // Asked of the validator at the call.
        yield return ("call: unpinned managed pointer", V(ViolationKind.UnpinnedManagedPointer, ViolationContext.Call, Block + 16, 8, "args.Data", Access, RangeKind.None, 0, 0, null, null, null,
            managedObject: new ViolationObject(Block, "System.Byte[]", 1048, 16), foundBy: "the validator (pid 12), asked at the call"));
        yield return ("call: unpinned managed pointer of unknown type", V(ViolationKind.UnpinnedManagedPointer, ViolationContext.Call, Block + 16, 8, "args.Data", Access, RangeKind.None, 0, 0, null, null, null,
            managedObject: new ViolationObject(Block, null, 1048, 16), foundBy: "the validator (pid 12), asked at the call"));

        // Validator findings, built from their protocol lines.
        foreach ((string name, string json) in Findings())
        {
            Violation? v = FindingReports.Parse(json, "the validator (pid 12) in sweep 3 (timer)", out string? badKind);
            Assert.That(v, Is.Not.Null, name + ": " + badKind);
            yield return ("validator: " + name, v!);
        }
    }

    private static IEnumerable<(string Name, string Json)> Findings()
    {
        const string keep = "\"holder\":\"native-block\",\"holderAddress\":\"0x5581e2b0a008\",\"holderStart\":\"0x5581e2b0a000\",\"holderSize\":64,\"holderOffset\":8,\"holderSite\":{\"function\":\"Demo.Keep\",\"file\":\"/src/Demo.cs\",\"line\":42}";
        yield return ("unpinned word", "{\"ev\":\"finding\",\"shape\":\"unpinned-word\",\"kind\":\"unpinned-managed-pointer\",\"address\":\"0x7f1c2a4b0010\",\"size\":8," + keep + ",\"objectAddress\":\"0x7f1c2a4b0000\",\"objectType\":\"System.Byte[]\",\"objectSize\":1048,\"objectOffset\":16}");
        yield return ("dangling word in library data", "{\"ev\":\"finding\",\"shape\":\"dangling-word\",\"kind\":\"dangling-managed-pointer\",\"address\":\"0x7e0000001234\",\"size\":8,\"holder\":\"library-data\",\"holderAddress\":\"0x7f0000000040\",\"holderStart\":\"0x7f0000000000\",\"holderSize\":4096,\"holderOffset\":64,\"library\":\"/app/lib/libfoo.so\",\"why\":\"free space\"}");
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
