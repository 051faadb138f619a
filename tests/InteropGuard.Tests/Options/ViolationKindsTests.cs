// ViolationKindsTests.cs - the three names of every kind (kebab-case name, IG id, detect_ option) match the
// table in native/include/interopguard.h and docs/design/options.md, and TryParse inverts GetName.
using System;
using NUnit.Framework;

namespace InteropGuard.Tests.Options;

public sealed class ViolationKindsTests
{
    [TestCase(ViolationKind.NativeUseAfterFree, "native-use-after-free", "IG0001")]
    [TestCase(ViolationKind.NativeBufferOverflow, "native-buffer-overflow", "IG0002")]
    [TestCase(ViolationKind.DoubleFree, "double-free", "IG0003")]
    [TestCase(ViolationKind.InvalidFree, "invalid-free", "IG0004")]
    [TestCase(ViolationKind.UseAfterUnpin, "use-after-unpin", "IG0005")]
    [TestCase(ViolationKind.UnpinnedManagedPointer, "unpinned-managed-pointer", "IG0006")]
    [TestCase(ViolationKind.DanglingManagedPointer, "dangling-managed-pointer", "IG0007")]
    [TestCase(ViolationKind.CollectedDelegateCallback, "collected-delegate-callback", "IG0008")]
    [TestCase(ViolationKind.InvalidHandle, "invalid-handle", "IG0009")]
    [TestCase(ViolationKind.ArrayPoolUseAfterReturn, "array-pool-use-after-return", "IG0010")]
    [TestCase(ViolationKind.HandleReleasedInUse, "handle-released-in-use", "IG0011")]
    [TestCase(ViolationKind.UseAfterUnmap, "use-after-unmap", "IG0012")]
    [TestCase(ViolationKind.LeakedPin, "leaked-pin", "IG0013")]
    public void Names(ViolationKind kind, string name, string id)
    {
        Assert.That(ViolationKinds.GetName(kind), Is.EqualTo(name));
        Assert.That(ViolationKinds.GetId(kind), Is.EqualTo(id));
        Assert.That(ViolationKinds.GetOptionName(kind), Is.EqualTo("detect_" + name.Replace('-', '_')));
        Assert.That(ViolationKinds.TryParse(name, out ViolationKind parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(kind));
    }

    [Test]
    public void EveryKindHasATestCase()
    {
        Assert.That(Enum.GetValues<ViolationKind>(), Has.Length.EqualTo(14), "add the new kind to Names above");
    }

    [TestCase("")]
    [TestCase("no-such-kind")]
    [TestCase("none")]
    public void TryParse_RejectsOtherText(string text)
    {
        Assert.That(ViolationKinds.TryParse(text, out _), Is.False);
    }
}
