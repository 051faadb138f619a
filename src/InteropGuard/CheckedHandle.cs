// CheckedHandle.cs: the cgo.Handle analog: an object handed to native code as a cookie that is checked on every use.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using InteropGuard.Checks;
using InteropGuard.Handles;
using InteropGuard.Reporting;
using InteropGuard.Shadow;
using InteropGuard.Violations;
using CallSite = InteropGuard.Checks.CallSite;

namespace InteropGuard;

/// <summary>A checked handle to a managed object, for native code that passes a context pointer back (like
/// <c>cgo.Handle</c>). In modes 1 and 2 the cookie encodes a slot and a generation: never 0, never reused; using or
/// freeing a freed, stale or never-issued cookie is an <c>invalid-handle</c> that names where it was freed. Alloc,
/// Free and Target cost tens of ns (Alloc/Free take a short lock; Target is lock-free). In mode 0 it is a plain normal
/// <see cref="GCHandle"/> (unchecked).</summary>
public readonly struct CheckedHandle : IEquatable<CheckedHandle>
{
    private readonly nint _value;

    private CheckedHandle(nint value) => _value = value;

    /// <summary>Issues a handle that keeps <paramref name="target"/> alive until <see cref="Free"/>.</summary>
    /// <param name="target">The object; must not be null.</param>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is null.</exception>
    public static CheckedHandle Alloc(object target, [CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (!GuardRuntime.Enabled)
        {
            return new CheckedHandle(GCHandle.ToIntPtr(GCHandle.Alloc(target)));
        }

        SourceSite site = SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(member, file, line), 1);
        return new CheckedHandle((nint)HandleTable.Alloc(target, site));
    }

    /// <summary>Wraps a cookie that came back from native code. Never throws; the cookie is validated on use.
    /// 0 gives a handle that was never issued.</summary>
    /// <param name="value">The cookie from <see cref="ToIntPtr"/>.</param>
    public static CheckedHandle FromIntPtr(nint value) => new(value);

    /// <summary>The cookie for native code; never 0 for an issued handle (0 only for <c>default</c>).</summary>
    public nint ToIntPtr() => _value;

    /// <summary>The object. A freed, stale or never-issued cookie is an <c>invalid-handle</c>: reported and thrown as
    /// <see cref="InteropViolationException"/> (with detect_invalid_handle=0: <see cref="InvalidOperationException"/>).
    /// The access site of a violation is found from the stack (properties cannot take caller information); use
    /// <see cref="GetTarget{T}"/> for a free site.</summary>
    public object Target => Resolve(null);

    /// <summary>The object as <typeparamref name="T"/>; invalid cookies as for <see cref="Target"/>.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    /// <exception cref="InvalidCastException">The object is not a <typeparamref name="T"/> (the message names both types).</exception>
    public T GetTarget<T>([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
        where T : class
    {
        object target = Resolve(new CallSite(null, member, file, line));
        return target as T ?? throw new InvalidCastException(
            $"CheckedHandle {ReportFormatter.Hex(_value)} refers to a {target.GetType().FullName}, not a {typeof(T).FullName}.");
    }

    /// <summary>Frees the handle so the object can be collected. A second free (or a free of a never-issued cookie) is an
    /// <c>invalid-handle</c>, reported and thrown as for <see cref="Target"/>.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public void Free([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (!GuardRuntime.Enabled)
        {
            GCHandle.FromIntPtr(_value).Free();
            return;
        }

        SourceSite site = SiteRegistry.WithStackIfCaptured(SiteRegistry.GetFromCaller(member, file, line), 1);
        if (!HandleTable.Free(_value, site, out HandleTable.Problem problem, out HandleTable.Entry? evidence))
        {
            Fail(atFree: true, site, problem, evidence);
        }
    }

    /// <summary>True when both wrap the same cookie.</summary>
    /// <param name="other">The other handle.</param>
    public bool Equals(CheckedHandle other) => _value == other._value;

    /// <summary>True when <paramref name="obj"/> is a CheckedHandle with the same cookie; false for null.</summary>
    /// <param name="obj">The other object.</param>
    public override bool Equals(object? obj) => obj is CheckedHandle other && Equals(other);

    /// <summary>A hash of the cookie.</summary>
    public override int GetHashCode() => _value.GetHashCode();

    /// <summary>The cookie in hex.</summary>
    public override string ToString() => "CheckedHandle(" + ReportFormatter.Hex(_value) + ")";

    /// <summary>Same cookie.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator ==(CheckedHandle left, CheckedHandle right) => left.Equals(right);

    /// <summary>Different cookies.</summary>
    /// <param name="left">A handle.</param>
    /// <param name="right">Another handle.</param>
    public static bool operator !=(CheckedHandle left, CheckedHandle right) => !left.Equals(right);

    private object Resolve(CallSite? call)
    {
        if (!GuardRuntime.Enabled)
        {
            return GCHandle.FromIntPtr(_value).Target ?? throw new InvalidOperationException("The handle's target was collected.");
        }

        object? target = HandleTable.Lookup(_value, out HandleTable.Problem problem, out HandleTable.Entry? evidence);
        if (problem == HandleTable.Problem.None && target is not null)
        {
            return target;
        }

        SourceSite site = call is { } c ? c.ToSourceSite(1) : CallerSite.FromStack("CheckedHandle.Target");
        Fail(atFree: false, site, problem, evidence);
        throw new InvalidOperationException("unreachable");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Fail(bool atFree, SourceSite site, HandleTable.Problem problem, HandleTable.Entry? evidence)
    {
        TimeSpan? since = null;
        if (evidence is { FreeTimeNs: > 0 })
        {
            ulong now = GuardRuntime.MonotonicNs();
            since = TimeSpan.FromTicks((long)((now > evidence.FreeTimeNs ? now - evidence.FreeTimeNs : 0) / 100));
        }

        SourceSite? issued = evidence?.Issued ?? HandleTable.IssuedSite(_value);
        InvalidHandleViolation v = InvalidHandleCheck.Detect(_value, problem == HandleTable.Problem.Freed, atFree, site, issued, evidence?.FreeSite, since);
        if (!InvalidHandleCheck.IsOn)
        {
            throw new InvalidOperationException(ReportFormatter.Unreported(v, suppressed: false)); // detect_invalid_handle=0
        }

        Reporter.Report(v, throwOnReport: true);
        throw new InvalidOperationException(ReportFormatter.Unreported(v, suppressed: true));
    }
}
