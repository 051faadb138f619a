// OptionTable.cs: the one option table of the managed side; names, defaults and meanings mirror docs/design/options.md and native/src/ig_options.c.
namespace InteropGuard;

/// <summary>All options, in the order of docs/design/options.md. Indices are the constants below.</summary>
internal static class OptionTable
{
    public const int HaltOnError = 0;
    public const int ReportPath = 1;
    public const int ReportFormat = 2;
    public const int QuarantineMb = 3;
    public const int Redzone = 4;
    public const int MaxRedzone = 5;
    public const int MallocFillByte = 6;
    public const int MaxMallocFillSize = 7;
    public const int FreeFillByte = 8;
    public const int PoisonFreed = 9;
    public const int ReleaseHistory = 10;
    public const int MaxRanges = 11;
    public const int CaptureStacks = 12;
    public const int MaxReports = 13;
    public const int DedupeReports = 14;
    public const int ValidatorIntervalMs = 15;
    public const int PinLeakMs = 16;
    public const int Suppressions = 17;
    public const int Verbosity = 18;
    public const int ValidatorPath = 19;
    public const int ValidatorTimeoutMs = 20;
    public const int PoolQuarantine = 21;
    public const int CallbackQuarantine = 22;
    public const int SampleRate = 23;
    public const int GuardedPoolPages = 24;
    public const int GuardedQuarantine = 25;
    public const int ExitCode = 26;

    /// <summary>Index of <c>detect_native_use_after_free</c>; <c>detect_</c> of kind k is at FirstDetect + k - 1.</summary>
    public const int FirstDetect = 27;

    public static readonly OptionDefinition[] All =
    [
        new("halt_on_error", "0", "1: the first report ends the process (abort) instead of throwing / continuing.", OptionType.Bool),
        new("report_path", "", "File that receives reports in report_format, in addition to the text on stderr. %p = pid.", OptionType.Text),
        new("report_format", "text", "text, json (one JSON object per line) or sarif (SARIF 2.1.0 document, rewritten on each report).", OptionType.Format),
        new("quarantine_mb", "64", "MiB of freed native blocks kept poisoned before their memory returns to the system. 0 = no quarantine.", OptionType.Int, 0, 1L << 20),
        new("redzone", "16", "Minimum right redzone in bytes (16-2048, power of two). Larger blocks get larger redzones (size/8, capped at max_redzone).", OptionType.Int, 16, 2048, true),
        new("max_redzone", "2048", "Upper bound of the right redzone in bytes.", OptionType.Int, 16, 2048, true),
        new("malloc_fill_byte", "190", "Value new blocks are filled with (0xbe), to make reads of uninitialised memory visible.", OptionType.Int, 0, 255),
        new("max_malloc_fill_size", "4096", "Bytes of a new block filled with malloc_fill_byte; 0 = none.", OptionType.Int, 0, 1L << 30),
        new("free_fill_byte", "85", "Value freed user bytes are poisoned with (0x55).", OptionType.Int, 0, 255),
        new("poison_freed", "1", "1: poison all user bytes of a freed block.", OptionType.Bool),
        new("release_history", "65536", "Released pins, views and callbacks remembered so a later use is reported; older ones are forgotten.", OptionType.Int, 0, 1L << 28),
        new("max_ranges", "16777216", "Capacity of the shadow table in records (16 to 2^31); past it new ranges are not tracked (one warning).", OptionType.Int, 16, 1L << 31),
        new("capture_stacks", "0", "1: capture a full managed stack for each allocation, pin, release and report (costs tens of us each).", OptionType.Bool),
        new("max_reports", "100", "Reports printed before further ones are only counted.", OptionType.Int, 0, int.MaxValue),
        new("dedupe_reports", "1", "1: a kind reported at one site is printed once.", OptionType.Bool),
        new("validator_interval_ms", "1000", "Mode 2: milliseconds between validator sweeps; 0 = no timer sweeps (only Guard.Validate and the exit sweep).", OptionType.Int, 0, 86_400_000),
        new("pin_leak_ms", "0", "Mode 2: a pin or callback alive longer than this many milliseconds is a leaked-pin at any validator sweep. 0 = only pins still alive at the exit sweep are.", OptionType.Int, 0, int.MaxValue),
        new("suppressions", "", "File of kind:pattern lines; a report whose kind matches and whose site/function contains the pattern is silenced.", OptionType.Text),
        new("verbosity", "0", "1: print the mode, options and native library path at start-up.", OptionType.Int, 0, 3),
        new("validator_path", "", "Mode 2: the validator to start: a .dll (run with dotnet) or an executable. Empty = InteropGuard.Cli.dll next to InteropGuard.dll, then next to the app, then interopguard on PATH.", OptionType.Text),
        new("validator_timeout_ms", "30000", "Mode 2: milliseconds Guard.Validate and the exit sweep wait for the validator before it counts as stopped.", OptionType.Int, 1, int.MaxValue),
        new("pool_quarantine", "64", "Returns a GuardedArrayPool holds back (poisoned) before an array can be rented again; each holds its array's memory. 0 = no quarantine (writes after return are not found).", OptionType.Int, 0, 1 << 20),
        new("callback_quarantine", "16", "Released GuardedCallbacks whose stubs stay valid, so a late call from native code is reported (and returns default) instead of running freed code. Each keeps one delegate and its stub (~100 bytes). 0 = none.", OptionType.Int, 0, 1 << 20),
        new("sample_rate", "0", "1 in N native buffers goes to the guarded pool: it ends at an inaccessible page, so an overflow or a use after free faults at the access and is reported with the buffer's sites (native side). 0 = off; non-sampled buffers cost what they cost without it.", OptionType.Int, 0, int.MaxValue),
        new("guarded_pool_pages", "256", "Slots of the guarded pool (one data page plus one guard page each; buffers up to a page minus 48 bytes). When all are in use, sampled buffers are allocated normally.", OptionType.Int, 1, 1 << 20),
        new("guarded_quarantine", "64", "Freed guarded slots kept inaccessible before one can be reused (FIFO); a use after free is caught while its slot is held.", OptionType.Int, 0, 1 << 20),
        new("exit_code", "0", "Exit status of a process that reported anything (Guard.ReportCount > 0) and would otherwise exit 0, so CI fails on findings (LeakSanitizer's exitcode). 0 = keep the program's exit status. Unset: 23 in mode 2, 0 in the other modes (there a report is an exception the program sees).", OptionType.Int, 0, 255),
        new("detect_native_use_after_free", "1", "Report native-use-after-free.", OptionType.Bool),
        new("detect_native_buffer_overflow", "1", "Report native-buffer-overflow.", OptionType.Bool),
        new("detect_double_free", "1", "Report double-free.", OptionType.Bool),
        new("detect_invalid_free", "1", "Report invalid-free.", OptionType.Bool),
        new("detect_use_after_unpin", "1", "Report use-after-unpin.", OptionType.Bool),
        new("detect_unpinned_managed_pointer", "1", "Report unpinned-managed-pointer.", OptionType.Bool),
        new("detect_dangling_managed_pointer", "1", "Report dangling-managed-pointer.", OptionType.Bool),
        new("detect_collected_delegate_callback", "1", "Report collected-delegate-callback.", OptionType.Bool),
        new("detect_invalid_handle", "1", "Report invalid-handle.", OptionType.Bool),
        new("detect_array_pool_use_after_return", "1", "Report array-pool-use-after-return.", OptionType.Bool),
        new("detect_handle_released_in_use", "1", "Report handle-released-in-use.", OptionType.Bool),
        new("detect_use_after_unmap", "1", "Report use-after-unmap.", OptionType.Bool),
        new("detect_leaked_pin", "1", "Report leaked-pin: pins and pinned GCHandles alive at exit (mode 2), older than pin_leak_ms, GuardedSafeHandles only their finalizer released.", OptionType.Bool),
    ];

    /// <summary>The index of <paramref name="name"/>, or -1.</summary>
    public static int IndexOf(string name)
    {
        for (int i = 0; i < All.Length; i++)
        {
            if (string.Equals(All[i].Name, name, System.StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The valid option names, comma-separated, for warnings.</summary>
    public static string ValidNames()
    {
        var names = new string[All.Length];
        for (int i = 0; i < All.Length; i++)
        {
            names[i] = All[i].Name;
        }

        return string.Join(", ", names);
    }
}
