// ProtocolJsonTests.cs: the validator protocol's request and event lines as written by their records (the exact lines of docs/design/validator-protocol.md), read back, and read leniently from lines a broken or newer validator might write.
using System.Text.Json;
using InteropGuard.Protocol;
using NUnit.Framework;

namespace InteropGuard.Tests.Validation;

[TestFixture]
public sealed class ProtocolJsonTests
{
    [Test]
    public void Requests_AreTheDocumentedLines_WithUnusedFieldsLeftOut()
    {
        Assert.That(ProtocolJson.Write(new ValidatorRequest { Op = ValidatorRequest.Hello, Pid = 123, Table = 0x7f0012345678 }),
            Is.EqualTo("{\"op\":\"hello\",\"pid\":123,\"table\":\"0x7f0012345678\"}"));
        Assert.That(ProtocolJson.Write(new ValidatorRequest { Op = ValidatorRequest.Sweep, Id = 7, Reason = "demand" }),
            Is.EqualTo("{\"op\":\"sweep\",\"id\":7,\"reason\":\"demand\"}"));
        Assert.That(ProtocolJson.Write(new ValidatorRequest { Op = ValidatorRequest.Classify, Id = 9, Addresses = [0x10001010, 0x5500] }),
            Is.EqualTo("{\"op\":\"classify\",\"id\":9,\"addresses\":[\"0x10001010\",\"0x5500\"]}"));
    }

    [Test]
    public void Requests_ReadBack_AndMistypedFieldsReadAsUnknown()
    {
        ValidatorRequest? classify = ProtocolJson.ReadRequest("{\"op\":\"classify\",\"id\":9,\"addresses\":[\"0x10001010\",17,\"nope\",\"0x5500\"]}");
        Assert.That(classify, Is.Not.Null);
        Assert.That((classify!.Op, classify.Id), Is.EqualTo(("classify", (long?)9)));
        Assert.That(classify.Addresses, Is.EqualTo(new ulong[] { 0x10001010, 17, 0x5500 }), "an entry that is no address is left out");

        ValidatorRequest? odd = ProtocolJson.ReadRequest("{\"op\":\"sweep\",\"id\":\"seven\",\"reason\":3,\"addresses\":{}}");
        Assert.That(odd, Is.Not.Null, "a mistyped field does not lose the line");
        Assert.That((odd!.Id, odd.Reason, odd.Addresses), Is.EqualTo(((long?)null, (string?)null, (System.Collections.Generic.IReadOnlyList<ulong>?)null)));
    }

    [TestCase("")]
    [TestCase("not json")]
    [TestCase("[1,2]")]
    [TestCase("{\"id\":1}")]
    [TestCase("{\"op\":42}")]
    public void Requests_WithoutAnOp_AreNone(string line)
    {
        Assert.That(ProtocolJson.ReadRequest(line), Is.Null);
    }

    [Test]
    public void Events_AreTheDocumentedLines_AndReadBack()
    {
        string ready = ProtocolJson.Write(new ReadyEvent { Pid = 456, WarmupMs = 310.5, GcLo = 0x7f0000000000, GcHi = 0x7f1000000000 });
        Assert.That(ready, Is.EqualTo("{\"ev\":\"ready\",\"pid\":456,\"warmupMs\":310.5,\"gcLo\":\"0x7f0000000000\",\"gcHi\":\"0x7f1000000000\"}"));
        Assert.That(ProtocolJson.ReadReady(Parse(ready)), Is.EqualTo(new ReadyEvent { Pid = 456, WarmupMs = 310.5, GcLo = 0x7f0000000000, GcHi = 0x7f1000000000 }));

        string swept = ProtocolJson.Write(new SweptEvent { Id = 7, Reason = "demand", N = 2, PauseMs = 4.2, Findings = 1, Blocks = 1000, Bytes = 16777216, Pins = 100, Threads = 12, Retries = 0 });
        Assert.That(swept, Is.EqualTo("{\"ev\":\"swept\",\"id\":7,\"reason\":\"demand\",\"n\":2,\"pauseMs\":4.2,\"findings\":1,\"blocks\":1000,\"bytes\":16777216,\"pins\":100,\"threads\":12,\"retries\":0}"));
        Assert.That(ProtocolJson.ReadSwept(Parse(swept))!.Id, Is.EqualTo(7));

        string classified = ProtocolJson.Write(new ClassifiedEvent
        {
            Id = 9,
            PauseMs = 4.1,
            Verdicts = [new ClassifiedAddress { Address = 0x10001010, Verdict = "unpinned", ObjectAddress = 0x10001000, ObjectSize = 88, ObjectType = "System.Int32[]", Why = "not-pinned" }],
        });
        Assert.That(classified, Is.EqualTo("{\"ev\":\"classified\",\"id\":9,\"pauseMs\":4.1,\"verdicts\":[{\"address\":\"0x10001010\",\"verdict\":\"unpinned\",\"objectAddress\":\"0x10001000\",\"objectSize\":88,\"objectType\":\"System.Int32[]\",\"why\":\"not-pinned\"}]}"));
        Assert.That(ProtocolJson.ReadClassified(Parse(classified))!.Verdicts![0].ObjectAddress, Is.EqualTo(0x10001000));

        string error = ProtocolJson.Write(new ErrorEvent { Fatal = true, Message = "attach refused: see ptrace_scope" });
        Assert.That(error, Is.EqualTo("{\"ev\":\"error\",\"fatal\":true,\"message\":\"attach refused: see ptrace_scope\"}"));
        Assert.That(ProtocolJson.ReadError(Parse(error)), Is.EqualTo(new ErrorEvent { Fatal = true, Message = "attach refused: see ptrace_scope" }));
    }

    [Test]
    public void Events_ReadLeniently_AndABrokenShapeIsNone()
    {
        ReadyEvent? ready = ProtocolJson.ReadReady(Parse("{\"ev\":\"ready\",\"pid\":\"x\",\"warmupMs\":\"slow\",\"gcLo\":5,\"extra\":[1]}"));
        Assert.That(ready, Is.EqualTo(new ReadyEvent { GcLo = 5 }), "mistyped fields are unknown, an unknown field is ignored");

        Assert.That(ProtocolJson.ReadClassified(Parse("{\"ev\":\"classified\",\"id\":3,\"verdicts\":[1,2]}")), Is.Null,
            "verdicts that are no objects: the line's shape is broken (the channel then answers the id with no verdict)");
        Assert.That(ProtocolJson.ReadSwept(Parse("[]")), Is.Null);
    }

    private static JsonElement Parse(string line)
    {
        using JsonDocument doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }
}
