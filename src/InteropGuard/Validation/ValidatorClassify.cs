// ValidatorClassify.cs: one classify request (the addresses a call's nested pointers hold) until its `classified` answer arrives or the validator stops.
using System.Collections.Generic;
using System.Threading;

namespace InteropGuard.Validation;

/// <summary>What the validator said about one address: <c>native</c>, <c>pinned</c>, <c>unpinned</c>, <c>dangling</c> or
/// <c>unknown</c>, with the object it lies in when there is one.</summary>
/// <param name="Verdict">The protocol's verdict string.</param>
/// <param name="ObjectAddress">The object's address; 0 when none.</param>
/// <param name="ObjectType">The object's type; null when unknown.</param>
/// <param name="ObjectSize">The object's size in bytes; 0 when unknown.</param>
/// <param name="Why">What pins it, or why it is no object: a code of <see cref="InteropGuard.Findings.AddressReasons"/>.</param>
/// <param name="Thread">The thread a <c>stack-walk-short</c> verdict names; null otherwise.</param>
internal readonly record struct PinVerdict(string Verdict, nint ObjectAddress, string? ObjectType, nint ObjectSize, string Why, long? Thread = null);

/// <summary>A classify sent to the validator and not yet answered; completed by the reader thread, failed when the
/// validator stops.</summary>
internal sealed class ValidatorClassify
{
    private readonly ManualResetEventSlim _done = new(false);

    public ValidatorClassify(long id) => Id = id;

    /// <summary>The id sent in the <c>classify</c> line.</summary>
    public long Id { get; }

    /// <summary>True once its <c>classified</c> arrived.</summary>
    public bool Completed { get; private set; }

    /// <summary>The verdicts by address; empty until completed.</summary>
    public IReadOnlyDictionary<nint, PinVerdict> Verdicts { get; private set; } = new Dictionary<nint, PinVerdict>();

    /// <summary>Its <c>classified</c> arrived with these verdicts.</summary>
    public void Complete(IReadOnlyDictionary<nint, PinVerdict> verdicts)
    {
        Verdicts = verdicts;
        Completed = true;
        _done.Set();
    }

    /// <summary>The validator stopped before answering.</summary>
    public void Fail() => _done.Set();

    /// <summary>Waits for completion or failure; false when <paramref name="milliseconds"/> passed first.</summary>
    public bool Wait(int milliseconds) => _done.Wait(milliseconds);
}
