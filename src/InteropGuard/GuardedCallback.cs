// GuardedCallback.cs: a delegate handed to native code as a function pointer, kept alive until disposed; in modes 1 and 2 a tracked CALLBACK range whose late calls are reported instead of running freed code.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using InteropGuard.Callbacks;
using InteropGuard.Checks;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Shadow;

namespace InteropGuard;

/// <summary>A callback for native code (from <see cref="Guard.Callback{T}(T, string, string, int)"/>): the function pointer
/// <see cref="Pointer"/> stays valid, and the delegate alive, until <see cref="Dispose()"/> or
/// <see cref="Release(string, string, int)"/> — even if nothing else references this object (a strong GC handle holds it;
/// a callback alive past pin_leak_ms (when set) is a leak the validator reports as <c>leaked-pin</c>).
/// <para>In modes 1 and 2 native code gets the stub of a small wrapper delegate of the same type T, which tests a released
/// flag and then calls <see cref="Callback"/>. After release the wrapper is held in a quarantine of
/// <c>callback_quarantine</c> callbacks (default 16): a late call from native code is reported as
/// <c>collected-delegate-callback</c> naming the creation and release sites and returns <c>default</c> without running the
/// delegate, as the old callbackOnCollectedDelegate MDA did. Once evicted, the stub is freed as without InteropGuard.
/// The pointer is a CALLBACK range (RETAINED): passing it to a checked call after release is reported at the boundary, and
/// in mode 2 the validator reports native memory that still holds it.</para>
/// <para>Mode 0 (or without the native library): <see cref="Pointer"/> is the stub of <see cref="Callback"/> itself,
/// kept alive until disposed; nothing is checked.</para></summary>
/// <typeparam name="T">A non-generic delegate type (generic delegates cannot be marshalled); its
/// <c>[UnmanagedFunctionPointer]</c> attribute and parameter marshalling apply unchanged.</typeparam>
public sealed unsafe class GuardedCallback<T> : IDisposable
    where T : Delegate
{

    private readonly CallbackTrampoline? _trampoline;
    private GCHandle _keepAlive;
    private int _released;

    internal GuardedCallback(T callback, string member, string file, int line)
    {
        Callback = callback;
        T native = callback;
        if (GuardRuntime.Enabled)
        {
            var trampoline = new CallbackTrampoline(callback, SiteRegistry.GetFromCaller(member, file, line));
            T? wrapper = CallbackWrapper.TryCreate<T>(trampoline);
            if (wrapper is not null)
            {
                trampoline.Wrapper = wrapper;
                native = wrapper;
                _trampoline = trampoline;
            }
        }

        Delegate = native;
        Pointer = Marshal.GetFunctionPointerForDelegate(native);
        _keepAlive = GCHandle.Alloc(native, GCHandleType.Normal);
        if (GuardRuntime.Enabled)
        {
            Track(member, file, line);
        }
    }

    /// <summary>The delegate native code ends up calling (the one passed to <see cref="Guard.Callback{T}(T, string, string, int)"/>).</summary>
    public T Callback { get; }

    /// <summary>The delegate whose stub <see cref="Pointer"/> is: pass it where a P/Invoke takes a T (it marshals to
    /// <see cref="Pointer"/>). In modes 1 and 2 the wrapper, in mode 0 <see cref="Callback"/>.</summary>
    public T Delegate { get; }

    /// <summary>The function pointer for native code. Stays valid until release, and for <c>callback_quarantine</c>
    /// further releases after it (modes 1 and 2); a call through it after release is reported and returns default.</summary>
    public nint Pointer { get; }

    /// <summary>The shadow-table id of the CALLBACK range; 0 in mode 0, without the native library, or when the table was full.</summary>
    public ulong Id { get; private set; }

    /// <summary>True once <see cref="Dispose()"/> or <see cref="Release(string, string, int)"/> ran.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>Releases the callback (idempotent): native code must not call <see cref="Pointer"/> any more. Reports name
    /// this release "call site not recorded" unless capture_stacks=1; <see cref="Release(string, string, int)"/> records
    /// the caller for free.</summary>
    public void Dispose()
    {
        if (Id == 0 || IsReleased)
        {
            ReleaseCore(null);
            return;
        }

        ReleaseCore(CallerSite.ForDispose("GuardedCallback"));
    }

    /// <summary>Releases the callback (idempotent), recording the caller as the release site at no cost.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public void Release([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (Id == 0)
        {
            ReleaseCore(null);
            return;
        }

        ReleaseCore(SiteRegistry.GetFromCaller(member, file, line));
    }

    private void Track(string member, string file, int line)
    {
        uint site = SiteRegistry.Intern(member, file, line);
        ulong id = RangeRegistration.Register(RangeKind.Callback, (void*)Pointer, 1, IgConstants.FlagRetained, site,
            (ulong)GCHandle.ToIntPtr(_keepAlive), "callbacks");
        if (id == 0)
        {
            return;
        }

        Id = id;
        if (_trampoline is not null)
        {
            _trampoline.Id = id;
            _trampoline.Entry = Pointer;
        }

        if (GuardRuntime.Options.CaptureStacks)
        {
            StackStore.RecordAlloc(id, SiteRegistry.CaptureStack(3));
        }
    }

    private void ReleaseCore(SourceSite? site)
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        // The flag first: from here a call through the pointer is reported, never run.
        _trampoline?.MarkReleased(site);
        RangeRegistration.Release(Id, site);

        if (_trampoline is not null)
        {
            CallbackQuarantine.Add(_trampoline); // keeps the wrapper, and so the stub, valid for a while
        }

        if (_keepAlive.IsAllocated)
        {
            _keepAlive.Free();
        }
    }
}
