// GuardedCallSite.cs: one intercepted P/Invoke call site (caller, file, line, target), created once per site by generated code and interned natively on first need.
using System;
using System.ComponentModel;
using System.Globalization;
using System.Threading;
using InteropGuard.Shadow;

namespace InteropGuard.Interception;

/// <summary>The token of one P/Invoke call site, baked in by the InteropGuard generator (a static readonly field per
/// site). Creating it only stores the strings; the site is interned in the shadow table the first time a range or a
/// report needs it, so reports name the user's call without a stack walk. For generated code only.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GuardedCallSite
{
    private SourceSite? _source;
    private int _interned; // 0 = not yet, 1 = _siteId holds the interned id (0 when unguarded or the site table is full)
    private uint _siteId;
    private CallScopedCallbacks.Slot?[]? _callbackSlots;
    private readonly Lock _slotsGate = new();

    /// <summary>Creates the token; the arguments are compile-time constants of the generated code.</summary>
    /// <param name="caller">The calling member as <c>Type.Method</c>; null or empty = unknown.</param>
    /// <param name="file">The full path of the file that holds the call; null or empty = unknown.</param>
    /// <param name="line">The 1-based line of the call; 0 = unknown.</param>
    /// <param name="target">The P/Invoke as <c>Type.Method(type name, ...)</c>, shown as frame #0 of reports; null or empty = unknown.</param>
    public GuardedCallSite(string? caller, string? file, int line, string? target)
    {
        Caller = caller ?? "";
        File = file ?? "";
        Line = line < 0 ? 0 : line;
        Target = target ?? "";
    }

    /// <summary>The calling member, <c>Type.Method</c>; the empty string when unknown.</summary>
    public string Caller { get; }

    /// <summary>The full path of the calling file; the empty string when unknown.</summary>
    public string File { get; }

    /// <summary>The 1-based line of the call; 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The P/Invoke called, <c>Type.Method(type name, ...)</c>; the empty string when unknown.</summary>
    public string Target { get; }

    /// <summary><c>Caller  File:Line</c>, the way reports show the site.</summary>
    public override string ToString() => Source.ToString();

    /// <summary>The native site id (interned once; 0 when unguarded or the site table is full).</summary>
    internal uint SiteId
    {
        get
        {
            if (Volatile.Read(ref _interned) != 0)
            {
                return _siteId;
            }

            _siteId = Source.Id;
            Volatile.Write(ref _interned, 1);
            return _siteId;
        }
    }

    /// <summary>The call-scoped callback slot of the <paramref name="parameter"/>-th delegate parameter (0-based among
    /// the P/Invoke's delegate parameters), made on first use and kept with the site.</summary>
    internal CallScopedCallbacks.Slot CallbackSlot(int parameter)
    {
        CallScopedCallbacks.Slot?[]? slots = Volatile.Read(ref _callbackSlots);
        if (slots is not null && (uint)parameter < (uint)slots.Length && slots[parameter] is { } slot)
        {
            return slot;
        }

        return NewCallbackSlot(parameter);
    }

    private CallScopedCallbacks.Slot NewCallbackSlot(int parameter)
    {
        lock (_slotsGate)
        {
            CallScopedCallbacks.Slot?[] slots = _callbackSlots ?? [];
            if (parameter >= slots.Length)
            {
                Array.Resize(ref slots, parameter + 1);
            }

            CallScopedCallbacks.Slot slot = slots[parameter] ??= new CallScopedCallbacks.Slot();
            Volatile.Write(ref _callbackSlots, slots);
            return slot;
        }
    }

    /// <summary>The site as reports show it: the caller at its file and line, under a frame that names the P/Invoke
    /// (<c>#0 [P/Invoke] Target</c>, <c>#1 Caller  file:line</c>).</summary>
    internal SourceSite Source => _source ??= Build();

    /// <summary>The site for a report: <see cref="Source"/>, or the real stack with capture_stacks=1.</summary>
    internal SourceSite ForReport() =>
        GuardRuntime.Options.CaptureStacks ? Source.WithStack(SiteRegistry.CaptureStack(2)) : Source;

    private SourceSite Build()
    {
        SourceSite interned = SiteRegistry.Get(Caller, File, Line);
        if (Target.Length == 0)
        {
            return interned;
        }

        string caller = Caller.Length == 0 ? "<unknown>" : Caller;
        string frame1 = File.Length == 0 ? caller : caller + "  " + File + ":" + Line.ToString(CultureInfo.InvariantCulture);
        return interned.WithStack("[P/Invoke] " + Target + "\n" + frame1);
    }
}
