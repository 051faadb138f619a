// CliResult.cs: how one run of the `interopguard` tool ended (exit code, stdout, stderr), with the report counts tests assert on.
using System;
using System.Linq;

namespace InteropGuard.Validator.Tests.Cli;

/// <summary>How a run of the tool ended.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public int Headlines(string kind) => Stdout.Split('\n').Count(l => l.StartsWith("ERROR: InteropGuard: " + kind + " on address 0x", StringComparison.Ordinal));

    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
