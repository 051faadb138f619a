// ValidatorProcessTests.cs - how the end of the validator child is put in the one message: an exit code, or the signal
// that killed it (.NET reports a child ended by signal N as exit code 128 + N).
using InteropGuard.Validation;
using NUnit.Framework;

namespace InteropGuard.Tests.Validation;

public sealed class ValidatorProcessTests
{
    [TestCase(0, "it exited with code 0")]
    [TestCase(3, "it exited with code 3")]
    [TestCase(128, "it exited with code 128")]
    [TestCase(137, "it was killed by signal 9 (SIGKILL)")]
    [TestCase(143, "it was killed by signal 15 (SIGTERM)")]
    [TestCase(134, "it was killed by signal 6 (SIGABRT)")]
    [TestCase(138, "it was killed by signal 10")]
    [TestCase(255, "it exited with code 255")]
    public void Describe_NamesTheExitCodeOrTheSignal(int exitCode, string expected) =>
        Assert.That(ValidatorProcess.Describe(exitCode), Is.EqualTo(expected));
}
