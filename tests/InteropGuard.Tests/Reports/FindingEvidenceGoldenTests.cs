// FindingEvidenceGoldenTests.cs - the evidence sentence of every validator finding shape, matched exactly (the wording the validator's sweep built before findings became data), and the finding line's round trip through FindingJson.
using System;
using System.Linq;
using System.Text.Json;
using InteropGuard.Findings;
using InteropGuard.Reporting;
using NUnit.Framework;

namespace InteropGuard.Tests.Reports;

public sealed class FindingEvidenceGoldenTests
{
    private static readonly FindingSite Keep = new("Demo.Keep", "/src/Demo.cs", 42);
    private static readonly FindingSite Alloc = new("Decoder..ctor", "/src/Decoder.cs", 40);
    private static readonly FindingSite Free = new("Decoder.Dispose", "/src/Decoder.cs", 131);

    /// <summary>A word 8 bytes into a 64-byte native block allocated at Demo.cs:42.</summary>
    private static T InBlock<T>(T f) where T : Finding => f with
    {
        Size = 8, Holder = "native-block", HolderAddress = 0x5581e2b0a008, HolderStart = 0x5581e2b0a000, HolderSize = 64, HolderOffset = 8, HolderSite = Keep,
    };

    private static T Freed<T>(T f, ulong value, ulong start, ulong size, double sinceMs, ulong? flags = null) where T : Finding => f with
    {
        Address = value, RangeId = 0x100000007, RangeStart = start, RangeSize = size, RangeFlags = flags, AllocSite = Alloc, ReleaseSite = Free, SinceReleaseMs = sinceMs,
    };

    private static T Range<T>(T f, string rangeKind, ulong start, ulong size) where T : Finding => f with
    {
        Address = start, Size = size, Holder = "range", RangeId = 0x100000003, RangeKind = rangeKind, RangeStart = start, RangeSize = size, AllocSite = Alloc,
    };

    private static readonly (string Name, Finding Finding, string Evidence)[] Cases =
    [
        ("unpinned word in a native block",
            InBlock(new UnpinnedWordFinding { Kind = "unpinned-managed-pointer", Address = 0x7f1c2a4b0010, ObjectAddress = 0x7f1c2a4b0000, ObjectType = "System.Byte[]", ObjectSize = 1048, ObjectOffset = 16 }),
            "8 bytes into a 64-byte native block [0x5581e2b0a000, 0x5581e2b0a040) allocated at Demo.cs:42 holds 0x7f1c2a4b0010, 16 bytes into System.Byte[] (1048 bytes) at 0x7f1c2a4b0000, which no pinned handle, POH/frozen segment or fixed stack root pins: the GC may move it while native code still points at it."),
        ("dangling word in library data",
            new DanglingWordFinding { Kind = "dangling-managed-pointer", Address = 0x7e0000001234, Size = 8, Holder = "library-data", HolderAddress = 0x7f0000000040, HolderStart = 0x7f0000000000, HolderSize = 4096, HolderOffset = 0x40, Library = "/app/lib/libfoo.so", Why = "free-space" },
            "the data segment (.data/.bss) of libfoo.so at 0x7f0000000040 holds 0x7e0000001234, memory of the GC heap where no live object is (free space between objects): the object it pointed at was moved or collected."),
        ("freed block word in a native region",
            Freed(new FreedBlockWordFinding { Kind = "native-use-after-free", Size = 8, Holder = "native-region", HolderAddress = 0x6010, HolderStart = 0x6000, HolderSize = 128, HolderOffset = 16, RangeKind = "native-block" }, 0x7000020, 0x7000000, 256, 12.5),
            "16 bytes into a 128-byte native region [0x6000, 0x6080) registered at an unknown site holds 0x7000020, 32 bytes into a 256-byte native block [0x7000000, 0x7000100) allocated at Decoder.cs:40 and freed at Decoder.cs:131 12.5 ms ago."),
        ("unmapped view word",
            InBlock(Freed(new UnmappedViewWordFinding { Kind = "use-after-unmap", RangeKind = "mapped-view" }, 0x7f5000001000, 0x7f5000000000, 65536, 3.26)),
            "8 bytes into a 64-byte native block [0x5581e2b0a000, 0x5581e2b0a040) allocated at Demo.cs:42 holds 0x7f5000001000, 4096 bytes into a 65536-byte mapped view [0x7f5000000000, 0x7f5000010000) mapped at Decoder.cs:40 and unmapped at Decoder.cs:131 3.3 ms ago: the next access faults or reads whatever is mapped there now."),
        ("released pin word: a string pinned for one call, its object collected",
            InBlock(Freed(new ReleasedPinWordFinding { Kind = "use-after-unpin", RangeKind = "managed-pin", ObjectCollected = true }, 0x7e0000000010, 0x7e0000000000, 32, 0.4, 0x10002)),
            "8 bytes into a 64-byte native block [0x5581e2b0a000, 0x5581e2b0a040) allocated at Demo.cs:42 holds 0x7e0000000010, 16 bytes into a 32-byte pinned string [0x7e0000000000, 0x7e0000000020) of an object that was collected since pinned only for the P/Invoke call at Decoder.cs:40 0.4 ms ago: the GC may move or free that memory."),
        ("released pin word: a pin whose object moved, the value before the range",
            InBlock(Freed(new ReleasedPinWordFinding { Kind = "use-after-unpin", RangeKind = "managed-pin", ObjectNowAt = 0x7e000000a000, ObjectAddress = 0x7e000000a000, ObjectType = "System.Byte[]", ObjectSize = 80 }, 0x7e0000000ff8, 0x7e0000001000, 64, 7)),
            "8 bytes into a 64-byte native block [0x5581e2b0a000, 0x5581e2b0a040) allocated at Demo.cs:42 holds 0x7e0000000ff8, 8 bytes before a 64-byte pin [0x7e0000001000, 0x7e0000001040) of System.Byte[] (now at 0x7e000000a000) made at Decoder.cs:40 and released at Decoder.cs:131 7.0 ms ago: the GC may move or free that memory."),
        ("released callback word",
            InBlock(Freed(new ReleasedCallbackWordFinding { Kind = "collected-delegate-callback", RangeKind = "callback" }, 0x7f00000a0000, 0x7f00000a0000, 0, 1.04)),
            "8 bytes into a 64-byte native block [0x5581e2b0a000, 0x5581e2b0a040) allocated at Demo.cs:42 holds 0x7f00000a0000, the entry of a callback created at Decoder.cs:40 and released at Decoder.cs:131 1.0 ms ago: native code still holds the function pointer, and a call through it runs a stub whose delegate may be gone."),
        ("collected call-scoped callback word",
            InBlock(Freed(new CollectedCallScopedCallbackWordFinding { Kind = "collected-delegate-callback", RangeKind = "callback" }, 0x7f00000b0000, 0x7f00000b0000, 0, 2, 0x2)),
            "8 bytes into a 64-byte native block [0x5581e2b0a000, 0x5581e2b0a040) allocated at Demo.cs:42 holds 0x7f00000b0000, the entry of a callback passed to native code for the P/Invoke call at Decoder.cs:40, whose delegate the GC has collected since: native code kept the function pointer after the call, and a call through it runs freed code."),
        ("collected retained callback word, its range not yet released",
            InBlock(new CollectedRetainedCallbackFinding { Kind = "collected-delegate-callback", Address = 0x7f00000a0000, RangeId = 0x100000003, RangeKind = "callback", RangeStart = 0x7f00000a0000, RangeSize = 1, AllocSite = Alloc }),
            "8 bytes into a 64-byte native block [0x5581e2b0a000, 0x5581e2b0a040) allocated at Demo.cs:42 holds 0x7f00000a0000, the entry of a callback registered at Decoder.cs:40 for native code to keep, whose delegate the GC has collected: native code still holds the function pointer, and a call through it jumps into freed code."),
        ("collected retained pin",
            Range(new CollectedRetainedPinFinding { Kind = "dangling-managed-pointer" }, "managed-pin", 0x7e0000001000, 256),
            "a retained 256-byte pin [0x7e0000001000, 0x7e0000001100) made at Decoder.cs:40 is still live, but its object was collected: native code holds memory the GC may reuse."),
        ("moved retained pin, type unknown",
            Range(new MovedRetainedPinFinding { Kind = "dangling-managed-pointer", ObjectNowAt = 0x7e0000009000 }, "managed-pin", 0x7e0000001010, 256),
            "a retained 256-byte pin [0x7e0000001010, 0x7e0000001110) made at Decoder.cs:40 no longer covers its object: the object now lives at 0x7e0000009000, so native code holds stale memory."),
        ("moved retained pin",
            Range(new MovedRetainedPinFinding { Kind = "dangling-managed-pointer", ObjectNowAt = 0x7e0000009000, ObjectType = "System.Byte[]" }, "managed-pin", 0x7e0000001010, 256),
            "a retained 256-byte pin [0x7e0000001010, 0x7e0000001110) made at Decoder.cs:40 no longer covers its object: System.Byte[] now lives at 0x7e0000009000, so native code holds stale memory."),
        ("unpinned retained pin",
            Range(new UnpinnedRetainedPinFinding { Kind = "unpinned-managed-pointer", ObjectNowAt = 0x7e0000001000, ObjectAddress = 0x7e0000001000, ObjectType = "System.Byte[]", ObjectSize = 280, ObjectOffset = 16 }, "managed-pin", 0x7e0000001010, 256),
            "a retained 256-byte pin [0x7e0000001010, 0x7e0000001110) made at Decoder.cs:40 covers System.Byte[] (280 bytes) at 0x7e0000001000, which no pinned handle, POH/frozen segment or fixed stack root pins: the GC may move it under native code."),
        ("damaged redzone before the start",
            Range(new DamagedRedzoneFinding { Kind = "native-buffer-overflow", Detail = -4, DamagedBytes = 4, Canary = 0xbe, Found = 0x0 }, "native-block", 0x5581e2b0b000, 100) with { Address = 0x5581e2b0affc },
            "a redzone of the 100-byte native block [0x5581e2b0b000, 0x5581e2b0b064) allocated at Decoder.cs:40 was overwritten from 4 bytes before its start (the left canary): 4 damaged bytes (canary 0xbe, found 0x00); native code wrote outside the block between calls."),
        ("damaged redzone at the end",
            Range(new DamagedRedzoneFinding { Kind = "native-buffer-overflow", Detail = 0, DamagedBytes = 1, Canary = 0xbe, Found = 0x41 }, "native-block", 0x5581e2b0b000, 100) with { Address = 0x5581e2b0b064 },
            "a redzone of the 100-byte native block [0x5581e2b0b000, 0x5581e2b0b064) allocated at Decoder.cs:40 was overwritten from its first byte past the end: 1 damaged bytes (canary 0xbe, found 0x41); native code wrote outside the block between calls."),
        ("damaged redzone past the end",
            Range(new DamagedRedzoneFinding { Kind = "native-buffer-overflow", Detail = 5, DamagedBytes = 3, Canary = 0xbe, Found = 0x7f }, "native-block", 0x5581e2b0b000, 100) with { Address = 0x5581e2b0b069 },
            "a redzone of the 100-byte native block [0x5581e2b0b000, 0x5581e2b0b064) allocated at Decoder.cs:40 was overwritten from 5 bytes past its end: 3 damaged bytes (canary 0xbe, found 0x7f); native code wrote outside the block between calls."),
        ("pin alive at exit",
            Range(new PinAliveAtExitFinding { Kind = "leaked-pin", AgeNs = 1_499_600_000, SinceReleaseMs = 1499.6 }, "managed-pin", 0x7f0000001000, 64),
            "a pin of 64 bytes [0x7f0000001000, 0x7f0000001040) made at Decoder.cs:40 is still alive at exit (1500 ms old); forgot to Dispose() the pin or Free() the GCHandle?"),
        ("callback alive too long",
            Range(new PinAliveTooLongFinding { Kind = "leaked-pin", AgeNs = 20_400_000, PinLeakMs = 10, SinceReleaseMs = 20.4 }, "callback", 0x7f00000a0000, 0),
            "a callback handle made at Decoder.cs:40 has been alive for 20 ms (pin_leak_ms=10); forgot to Dispose() it?"),
    ];

    private static string[] CaseNames => Cases.Select(c => c.Name).ToArray();

    private static (string Name, Finding Finding, string Evidence) Case(string name) => Cases.Single(c => c.Name == name);

    [TestCaseSource(nameof(CaseNames))]
    public void Evidence_IsTheSentenceOfItsShape(string name)
    {
        (_, Finding f, string evidence) = Case(name);

        Assert.That(FindingEvidence.Of(f), Is.EqualTo(evidence));
    }

    [TestCaseSource(nameof(CaseNames))]
    public void FindingLine_RoundTrips_AndReadsAsTheSameSentence(string name)
    {
        (_, Finding f, string evidence) = Case(name);

        string line = FindingJson.Write(f);
        using JsonDocument doc = JsonDocument.Parse(line);
        Finding? back = FindingJson.Read(doc.RootElement);

        Assert.That(line, Does.StartWith("{\"ev\":\"finding\",\"shape\":\"" + FindingJson.ShapeName(f.GetType()) + "\","), line);
        Assert.That(line, Does.Not.Contain("evidence"), "words do not cross the process boundary");
        Assert.That(back, Is.EqualTo(f with { SinceReleaseMs = f.SinceReleaseMs is { } ms ? Math.Round(ms, 1) : null }), "equal, times to 0.1 ms\n" + line);
        Assert.That(FindingEvidence.Of(back!), Is.EqualTo(evidence));
    }

    [Test]
    public void FindingLine_AddressesAreHex_TimesAreTenths_UnknownFieldsAreLeftOut()
    {
        var f = new FreedBlockWordFinding { Kind = "native-use-after-free", Address = 0x7000020, RangeStart = 0x7000000, RangeSize = 256, SinceReleaseMs = 12.4567 };

        string line = FindingJson.Write(f);

        Assert.That(line, Is.EqualTo("{\"ev\":\"finding\",\"shape\":\"freed-block-word\",\"kind\":\"native-use-after-free\",\"address\":\"0x7000020\",\"rangeStart\":\"0x7000000\",\"rangeSize\":256,\"sinceReleaseMs\":12.5}"));
    }

    [Test]
    public void UnknownShape_ReadsAsTheBaseRecord_WithoutASentence()
    {
        using JsonDocument doc = JsonDocument.Parse("""{"ev":"finding","shape":"from-a-newer-validator","kind":"leaked-pin","address":"0x10","rangeSize":64}""");

        Finding? f = FindingJson.Read(doc.RootElement);

        Assert.That(f, Is.Not.Null);
        Assert.That(f!.GetType(), Is.EqualTo(typeof(Finding)));
        Assert.That(f.Kind, Is.EqualTo("leaked-pin"));
        Assert.That(f.RangeSize, Is.EqualTo(64UL));
        Assert.That(FindingEvidence.Of(f), Is.Null);
    }

    [Test]
    public void EveryShape_HasAProtocolName_ASentence_AndAGoldenCase()
    {
        Type[] shapes = typeof(Finding).Assembly.GetTypes().Where(t => t.IsSealed && t.IsSubclassOf(typeof(Finding))).ToArray();

        Assert.That(shapes, Has.Length.EqualTo(FindingJson.ShapeNames.Count), "every record is in FindingJson's table");
        foreach (Type shape in shapes)
        {
            var f = (Finding)Activator.CreateInstance(shape)!;
            Assert.That(FindingJson.ShapeName(shape), Is.Not.Null, shape.Name);
            Assert.That(FindingEvidence.Of(f), Is.Not.Null, shape.Name + " has no sentence in FindingEvidence");
            Assert.That(Cases.Any(c => c.Finding.GetType() == shape), Is.True, shape.Name + " has no golden case here");
        }
    }
}
