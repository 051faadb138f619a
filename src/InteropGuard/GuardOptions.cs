// GuardOptions.cs: the parsed INTEROPGUARD_OPTIONS (key=value:key=value), a read-only view of the option table.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using InteropGuard.Callbacks;
using InteropGuard.Options;
using InteropGuard.Reporting;

namespace InteropGuard;

/// <summary>The options of the process (docs/design/options.md), parsed from <c>INTEROPGUARD_OPTIONS</c>.
/// Names are identical to the native side; each side uses the values it needs. Immutable.</summary>
public sealed class GuardOptions
{
    private readonly long[] _numbers;
    private readonly string[] _texts;
    private readonly bool[] _given;

    private GuardOptions(long[] numbers, string[] texts, bool[] given, string? text)
    {
        _numbers = numbers;
        _texts = texts;
        _given = given;
        Text = text;
    }

    /// <summary>The defaults of every option (what an empty or null options string gives).</summary>
    public static GuardOptions Default { get; } = Parse(null, null);

    /// <summary>The options text this was parsed from; null when parsed from null.</summary>
    public string? Text { get; }

    /// <summary><c>halt_on_error</c> (default false): true = the first report ends the process (abort) instead of
    /// throwing; nothing runs after the first bug.</summary>
    public bool HaltOnError => _numbers[OptionTable.HaltOnError] != 0;

    /// <summary><c>report_path</c> with <c>%p</c> replaced by the pid: the file that receives reports in
    /// <see cref="ReportFormat"/> in addition to stderr; null (the default) = stderr only.</summary>
    public string? ReportPath
    {
        get
        {
            string path = _texts[OptionTable.ReportPath];
            return path.Length == 0 ? null : path.Replace("%p", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
    }

    /// <summary><c>report_format</c> (default <see cref="InteropGuard.ReportFormat.Text"/>): the format of <see cref="ReportPath"/>.
    /// SARIF rewrites the whole document on each report.</summary>
    public ReportFormat ReportFormat => (ReportFormat)_numbers[OptionTable.ReportFormat];

    /// <summary><c>quarantine_mb</c> (default 64): MiB of freed native blocks kept poisoned; 0 = no quarantine
    /// (use-after-free then only caught until the block is gone). Costs that much memory.</summary>
    public int QuarantineMb => (int)_numbers[OptionTable.QuarantineMb];

    /// <summary><c>redzone</c> (default 16): minimum right redzone in bytes (16–2048, power of two); larger
    /// redzones catch farther overflows and cost memory per block. A block made in a larger freed block of its size
    /// class gets the slack as redzone too.</summary>
    public int Redzone => (int)_numbers[OptionTable.Redzone];

    /// <summary><c>max_redzone</c> (default 2048): upper bound of the size/8 right redzone in bytes (a reused block's
    /// slack comes on top).</summary>
    public int MaxRedzone => (int)_numbers[OptionTable.MaxRedzone];

    /// <summary><c>malloc_fill_byte</c> (default 190 = 0xbe): value new blocks are filled with.</summary>
    public int MallocFillByte => (int)_numbers[OptionTable.MallocFillByte];

    /// <summary><c>max_malloc_fill_size</c> (default 4096): bytes of a new block filled; 0 = none (cheaper allocation).</summary>
    public long MaxMallocFillSize => _numbers[OptionTable.MaxMallocFillSize];

    /// <summary><c>free_fill_byte</c> (default 85 = 0x55): value freed user bytes are poisoned with.</summary>
    public int FreeFillByte => (int)_numbers[OptionTable.FreeFillByte];

    /// <summary><c>poison_freed</c> (default true): poison the first <see cref="MaxFreeFillSize"/> user bytes of a freed
    /// block (costs a memset of them per free).</summary>
    public bool PoisonFreed => _numbers[OptionTable.PoisonFreed] != 0;

    /// <summary><c>max_free_fill_size</c> (default 4096, at least 64): bytes of a freed block poisoned, from its start;
    /// past them a freed block keeps its last contents (a use after free is still reported: the block stays freed in the
    /// shadow table).</summary>
    public long MaxFreeFillSize => _numbers[OptionTable.MaxFreeFillSize];

    /// <summary><c>release_history</c> (default 65536): released views, callbacks and table pins remembered so a later
    /// use is reported; 0 = none remembered. Each costs a table record (and, for a pin, a weak GC handle). Explicit pins
    /// sit in their thread's pin log instead, which remembers its last 256 whatever this says.</summary>
    public int ReleaseHistory => (int)_numbers[OptionTable.ReleaseHistory];

    /// <summary><c>max_ranges</c> (default 16777216): capacity of the shadow table; past it new ranges are not tracked.</summary>
    public long MaxRanges => _numbers[OptionTable.MaxRanges];

    /// <summary><c>capture_stacks</c> (default false): capture a full managed stack for each allocation, pin,
    /// release and report; costs tens of µs each.</summary>
    public bool CaptureStacks => _numbers[OptionTable.CaptureStacks] != 0;

    /// <summary><c>max_reports</c> (default 100): reports printed before further ones are only counted; 0 = print none.</summary>
    public long MaxReports => _numbers[OptionTable.MaxReports];

    /// <summary><c>dedupe_reports</c> (default true): a kind reported at one access site is printed once (it is
    /// still counted, raised as an event and thrown).</summary>
    public bool DedupeReports => _numbers[OptionTable.DedupeReports] != 0;

    /// <summary><c>validator_interval_ms</c> (default 1000): mode 2, milliseconds between validator sweeps
    /// (each sweep stops the process for tens of ms).</summary>
    public int ValidatorIntervalMs => (int)_numbers[OptionTable.ValidatorIntervalMs];

    /// <summary><c>pin_leak_ms</c> (default 0): mode 2, a pin or callback alive longer than this many milliseconds is a
    /// <c>leaked-pin</c> at any validator sweep; 0 = only pins still alive at the exit sweep are.</summary>
    public long PinLeakMs => _numbers[OptionTable.PinLeakMs];

    /// <summary><c>suppressions</c>: path of a file of <c>kind:pattern</c> lines; null (the default) = none.</summary>
    public string? Suppressions => _texts[OptionTable.Suppressions].Length == 0 ? null : _texts[OptionTable.Suppressions];

    /// <summary><c>verbosity</c> (default 0): 1 prints the mode, options and native library path at start-up, and the
    /// validator logs each sweep; 2 adds the validator's command line and each stop's time by phase.</summary>
    public int Verbosity => (int)_numbers[OptionTable.Verbosity];

    /// <summary><c>validator_path</c>: mode 2, the validator to start, a <c>.dll</c> (run with <c>dotnet</c>) or an
    /// executable (both get <c>serve --pid .. --table ..</c>); null (the default) = look for <c>InteropGuard.Cli.dll</c>
    /// next to InteropGuard.dll, then next to the app, then <c>interopguard</c> on <c>PATH</c>
    /// (docs/design/validator-protocol.md).</summary>
    public string? ValidatorPath => _texts[OptionTable.ValidatorPath].Length == 0 ? null : _texts[OptionTable.ValidatorPath];

    /// <summary><c>validator_timeout_ms</c> (default 30000): mode 2, how long <see cref="Guard.Validate"/> and the exit
    /// sweep wait for the validator's answer; past it the validator counts as stopped (it is killed, validation is off,
    /// call-boundary checks continue). The exit sweep can delay the end of the process by up to this much.</summary>
    public int ValidatorTimeoutMs => (int)_numbers[OptionTable.ValidatorTimeoutMs];

    /// <summary><c>pool_quarantine</c> (default 64): returns a <see cref="GuardedArrayPool{T}"/> holds back, poisoned,
    /// before the array goes back to the pool it wraps (and can be rented again); a write into an array in quarantine is
    /// found when it leaves. Each held array keeps its memory; 0 = no quarantine (writes after return are then not found,
    /// double returns only while a second renter has not got the array).</summary>
    public int PoolQuarantine => (int)_numbers[OptionTable.PoolQuarantine];

    /// <summary><c>callback_quarantine</c> (default 16): released <see cref="GuardedCallback{T}"/>s whose function pointers
    /// stay valid. A call from native code through one of them is reported as <c>collected-delegate-callback</c> and
    /// returns <c>default</c> without running the delegate. Each held callback keeps its (small) wrapper delegate and the
    /// runtime's stub alive; once evicted the pointer is freed as without InteropGuard (a late call then jumps into freed
    /// memory; a pointer that reaches a checked call or sits in scanned native memory is still reported). 0 = none.</summary>
    public int CallbackQuarantine => (int)_numbers[OptionTable.CallbackQuarantine];

    /// <summary><c>exit_code</c> in <paramref name="mode"/>: the exit status a process that reported anything and would
    /// exit 0 ends with instead (LeakSanitizer's <c>exitcode</c>), so <c>dotnet test</c> and CI fail on findings; 0 = the
    /// program's own status stays. Unset, it is 23 in mode 2 (where validator findings arrive asynchronously and nothing
    /// else reaches the program) and 0 in the other modes (where a report is an exception at the call the program sees).</summary>
    public int ExitCodeIn(GuardMode mode) =>
        _given[OptionTable.ExitCode] ? (int)_numbers[OptionTable.ExitCode] : mode == GuardMode.Validator ? DefaultValidatorExitCode : 0;

    /// <summary>The <c>exit_code</c> of mode 2 when the option is unset (LeakSanitizer's default).</summary>
    public const int DefaultValidatorExitCode = 23;

    /// <summary>True when the <c>detect_</c> option of <paramref name="kind"/> is on (all are on by default); false for <see cref="ViolationKind.None"/> and unknown kinds.</summary>
    public bool IsDetected(ViolationKind kind)
    {
        int k = (int)kind;
        return k >= 1 && k < ViolationKinds.Count && _numbers[OptionTable.FirstDetect + k - 1] != 0;
    }

    /// <summary>The value of any option by its table name, as text (the pid not substituted); null for unknown names.</summary>
    public string? Get(string name)
    {
        int i = OptionTable.IndexOf(name);
        if (i < 0)
        {
            return null;
        }

        OptionDefinition d = OptionTable.All[i];
        return d.Type switch
        {
            OptionType.Text => _texts[i],
            OptionType.Format => ((ReportFormat)_numbers[i]).ToString().ToLowerInvariant(),
            _ => _numbers[i].ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Parses options text in <c>INTEROPGUARD_OPTIONS</c> syntax (<c>key=value:key=value</c>) with the native
    /// library's grammar (docs/design/options.md, "Syntax"): both sides accept the same strings and warn in the same words.
    /// Never throws: an unknown key, a bad value or two contradicting values write one warning line each to
    /// <paramref name="warnings"/> (null = no warnings), quoting at most 40 bytes of the text with control characters
    /// escaped, and naming the valid keys or values and the value kept. Null or empty text gives the defaults.</summary>
    public static GuardOptions Parse(string? text, TextWriter? warnings)
    {
        var defs = OptionTable.All;
        var numbers = new long[defs.Length];
        var texts = new string[defs.Length];
        var given = new bool[defs.Length];
        for (int i = 0; i < defs.Length; i++)
        {
            texts[i] = defs[i].Type == OptionType.Text ? defs[i].Default : "";
            if (defs[i].Type != OptionType.Text)
            {
                OptionGrammar.TryParseNumber(defs[i], defs[i].Default, out numbers[i]);
            }
        }

        foreach (OptionItem item in OptionGrammar.Split(text))
        {
            int index = OptionTable.IndexOf(item.Key);
            if (index < 0)
            {
                Warn(warnings, OptionGrammar.UnknownKey(item.Key));
                continue;
            }

            OptionDefinition d = defs[index];
            string value = item.Value ?? "";
            if (d.Type == OptionType.Text)
            {
                if (item.Value is not null && OptionGrammar.IsValidText(value))
                {
                    texts[index] = value;
                    given[index] = true;
                    continue;
                }
            }
            else if (item.Value is not null && OptionGrammar.TryParseNumber(d, value, out long number))
            {
                numbers[index] = number;
                given[index] = true;
                continue;
            }

            Warn(warnings, OptionGrammar.BadValue(d, value, Shown(d, numbers[index], texts[index])));
        }

        if (numbers[OptionTable.MaxRedzone] < numbers[OptionTable.Redzone])
        {
            Warn(warnings, OptionGrammar.MaxRedzoneBelowRedzone(numbers[OptionTable.MaxRedzone], numbers[OptionTable.Redzone]));
            numbers[OptionTable.MaxRedzone] = numbers[OptionTable.Redzone];
        }

        return new GuardOptions(numbers, texts, given, text);
    }

    /// <summary>The items of an options string as the grammar splits it (empty items left out), for tools that read or
    /// rewrite option strings; what they mean is <see cref="Parse"/>'s business.</summary>
    public static IReadOnlyList<OptionItem> Split(string? text) => OptionGrammar.Split(text);

    /// <summary>Every option as <c>name=value</c>, joined with ':' (the syntax Parse reads).</summary>
    public override string ToString() => Describe(null);

    /// <summary>Every option as <c>name=value</c>, joined with ':', with the values in force in <paramref name="mode"/>
    /// where an unset option's value depends on the mode (<c>exit_code</c>, see <see cref="ExitCodeIn"/>).</summary>
    public string ToString(GuardMode mode) => Describe(mode);

    private string Describe(GuardMode? mode)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < OptionTable.All.Length; i++)
        {
            OptionDefinition d = OptionTable.All[i];
            if (sb.Length > 0)
            {
                sb.Append(':');
            }

            sb.Append(d.Name).Append('=');
            if (mode is GuardMode m && i == OptionTable.ExitCode)
            {
                sb.Append(ExitCodeIn(m).ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(Get(d.Name));
            }
        }

        return sb.ToString();
    }

    private static string Shown(OptionDefinition d, long number, string text) => d.Type switch
    {
        OptionType.Text => OptionGrammar.Excerpt(text),
        OptionType.Format => ((ReportFormat)number).ToString().ToLowerInvariant(),
        _ => number.ToString(CultureInfo.InvariantCulture),
    };

    private static void Warn(TextWriter? warnings, string message)
    {
        try
        {
            warnings?.WriteLine("InteropGuard: warning: " + message);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A broken warnings writer must not take the parse down.
        }
    }
}
