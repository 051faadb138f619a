// FakeValidator.cs - writes a bash script that speaks the validator protocol (docs/design/validator-protocol.md) with
// one chosen behaviour, good or bad, and runs a mode-2 scenario against it; the script logs what it received.
using System;
using System.Collections.Generic;
using System.IO;
using InteropGuard.Tests.TestSupport;

namespace InteropGuard.Tests.Validation;

/// <summary>A throw-away fake validator in its own temporary directory (deleted on Dispose).</summary>
internal sealed class FakeValidator : IDisposable
{
    /// <summary>The finding the fake sends for a demand sweep (the sweep id is put in for __SWEEP__).</summary>
    internal const string Finding =
        "{\"ev\":\"finding\",\"shape\":\"unpinned-word\",\"sweep\":__SWEEP__,\"kind\":\"unpinned-managed-pointer\",\"address\":\"0x7f1c2a4b0010\",\"size\":8,"
        + "\"holder\":\"native-block\",\"holderAddress\":\"0x5581e2b0a008\",\"holderStart\":\"0x5581e2b0a000\",\"holderSize\":64,\"holderOffset\":8,"
        + "\"holderSite\":{\"function\":\"Demo.Keep\",\"file\":\"/src/Demo.cs\",\"line\":42},"
        + "\"objectAddress\":\"0x7f1c2a4b0000\",\"objectType\":\"System.Byte[]\",\"objectSize\":1048,\"objectOffset\":16}";

    /// <summary>The evidence sentence the target words for <see cref="Finding"/> (the validator sends data, not words).</summary>
    internal const string Evidence =
        "8 bytes into a 64-byte native block [0x5581e2b0a000, 0x5581e2b0a040) allocated at Demo.cs:42 holds 0x7f1c2a4b0010, "
        + "16 bytes into System.Byte[] (1048 bytes) at 0x7f1c2a4b0000, which no pinned handle, POH/frozen segment or fixed stack root pins: "
        + "the GC may move it while native code still points at it.";

    /// <summary>Answers hello with ready.</summary>
    internal const string Ready = "say '{\"ev\":\"ready\",\"pid\":'$$',\"warmupMs\":1.5}'";

    /// <summary>Answers a sweep with swept (no findings).</summary>
    internal const string Swept = "say '{\"ev\":\"swept\",\"id\":'$id',\"reason\":\"'$reason'\",\"pauseMs\":1,\"findings\":0,\"blocks\":1,\"bytes\":64,\"pins\":0,\"threads\":3,\"retries\":0}'";

    /// <summary>Sends <see cref="Finding"/> for the current sweep.</summary>
    internal static readonly string SendFinding = "say '" + Finding.Replace("__SWEEP__", "'$id'", StringComparison.Ordinal) + "'";

    private FakeValidator(string onHello, string onSweep)
    {
        Directory = Path.Combine(Path.GetTempPath(), "ig-fake-validator-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Script = Path.Combine(Directory, "validator.sh");
        File.WriteAllText(Script, $$"""
            #!/bin/bash
            # fake validator: logs its command line, environment and input; behaviour below
            log='{{Log}}'
            say() { echo "$1"; echo "out: $1" >> "$log"; }
            echo "args: $*" >> "$log"
            echo "env INTEROPGUARD=${INTEROPGUARD-unset}" >> "$log"
            echo "env INTEROPGUARD_OPTIONS=${INTEROPGUARD_OPTIONS-unset}" >> "$log"
            echo started > '{{StartedMarker}}'
            while IFS= read -r line; do
              echo "in: $line" >> "$log"
              case "$line" in
                *'"op":"hello"'*)
                  {{onHello}}
                  ;;
                *'"op":"sweep"'*)
                  [[ $line =~ \"id\":([0-9]+) ]] && id=${BASH_REMATCH[1]}
                  [[ $line =~ \"reason\":\"([a-z]+)\" ]] && reason=${BASH_REMATCH[1]}
                  if [ "$reason" = exit ]; then echo "exit sweep $id" >> '{{ExitMarker}}'; fi
                  {{onSweep}}
                  ;;
              esac
            done
            echo "eof" >> "$log"

            """.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The temporary directory.</summary>
    internal string Directory { get; }

    /// <summary>The executable script (what validator_path names).</summary>
    internal string Script { get; }

    /// <summary>The script's log: "args: ...", "env ...", "in: <line>", "out: <line>", "eof".</summary>
    internal string Log => Path.Combine(Directory, "validator.log");

    /// <summary>Written when the script starts at all.</summary>
    internal string StartedMarker => Path.Combine(Directory, "started");

    /// <summary>Written when a sweep with reason exit arrives.</summary>
    internal string ExitMarker => Path.Combine(Directory, "exit-marker");

    /// <summary>The log so far ("" when the script never ran).</summary>
    internal string LogText => File.Exists(Log) ? File.ReadAllText(Log) : "";

    /// <summary>A fake with bash snippets for hello and sweep (<c>$id</c>, <c>$reason</c> and <c>say</c> available).</summary>
    internal static FakeValidator With(string onHello = Ready, string onSweep = Swept) => new(onHello, onSweep);

    /// <summary>A well-behaved fake that answers every demand sweep with <see cref="Finding"/>.</summary>
    internal static FakeValidator WithFinding() =>
        With(onSweep: "if [ \"$reason\" = demand ]; then " + SendFinding + "; fi; " + Swept);

    /// <summary>Runs scenario <paramref name="name"/> with INTEROPGUARD=<paramref name="mode"/> and
    /// INTEROPGUARD_OPTIONS=validator_path=&lt;script&gt;:exit_code=0[:<paramref name="options"/>]: the scenario's own exit
    /// code says how it ended (exit_code is tested on its own; a later exit_code in <paramref name="options"/> wins).</summary>
    internal ChildResult Run(string name, string options = "", string mode = "2", IReadOnlyDictionary<string, string?>? more = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["INTEROPGUARD"] = mode,
            ["INTEROPGUARD_OPTIONS"] = "validator_path=" + Script + ":exit_code=0" + (options.Length > 0 ? ":" + options : ""),
        };
        if (more is not null)
        {
            foreach (var (key, value) in more) environment[key] = value;
        }

        return Scenario.Run(name, environment);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A killed script may still hold its log open for a moment; the temp directory is cleaned by the OS later.
        }
    }
}
