// MappedView.cs: the pointer of a memory-mapped view, acquired for native code; in modes 1 and 2 its range is tracked as a mapped view, so a use after Dispose is a use-after-unmap.
using System;
using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Threading;
using InteropGuard.Checks;
using InteropGuard.Mapping;
using InteropGuard.Native;
using InteropGuard.Reporting;
using InteropGuard.Shadow;
using Microsoft.Win32.SafeHandles;

namespace InteropGuard;

/// <summary>A pointer into a memory-mapped view (from <see cref="Guard.MapView(MemoryMappedViewAccessor, string, string, int)"/>).
/// While it lives, the view stays mapped (<see cref="System.Runtime.InteropServices.SafeBuffer.AcquirePointer"/> holds a
/// reference on the view's handle, even if the accessor is disposed). Disposing releases the pointer and, in modes 1 and 2,
/// marks the range released: a pointer into it that reaches <see cref="Guard.Check(nint, nint, string?, string, string, int)"/>
/// later is a <c>use-after-unmap</c> naming the map and unmap sites. Not finalizable: a view never disposed stays mapped.</summary>
public sealed unsafe class MappedView : IDisposable
{

    private readonly SafeMemoryMappedViewHandle _handle;
    private int _released;

    private MappedView(SafeMemoryMappedViewHandle handle, nint pointer, nint length)
    {
        _handle = handle;
        Pointer = pointer;
        Length = length;
    }

    /// <summary>The first byte of the view (the view's offset into its mapping already applied). Stays valid as a number
    /// after Dispose (that is how a use-after-unmap is found).</summary>
    public nint Pointer { get; }

    /// <summary>Bytes of the view (its capacity).</summary>
    public nint Length { get; }

    /// <summary>The shadow-table id of the range; 0 in mode 0, without the native library, or when the table was full.</summary>
    public ulong Id { get; private set; }

    /// <summary>True once <see cref="Dispose()"/> or <see cref="Release(string, string, int)"/> ran.</summary>
    public bool IsReleased => Volatile.Read(ref _released) != 0;

    /// <summary>The bytes as a span (views longer than <see cref="int.MaxValue"/> throw <see cref="OverflowException"/>).</summary>
    /// <exception cref="ObjectDisposedException">The view was released.</exception>
    public Span<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsReleased, this);
            return new Span<byte>((void*)Pointer, checked((int)Length));
        }
    }

    /// <summary>Marks the range as retained by native code past the call (<c>IG_RANGE_F_RETAINED</c>): the validator checks
    /// it. No effect when untracked or released. Returns this view.</summary>
    public MappedView RetainedByNative()
    {
        if (Id != 0 && !IsReleased)
        {
            IgNative.ig_range_set_flags(Id, IgConstants.FlagRetained, 0);
        }

        return this;
    }

    /// <summary>Releases the pointer (idempotent). Reports name this release "call site not recorded" unless capture_stacks=1;
    /// <see cref="Release(string, string, int)"/> records the caller for free.</summary>
    public void Dispose()
    {
        if (Id == 0 || IsReleased)
        {
            ReleaseCore(null);
            return;
        }

        ReleaseCore(CallerSite.ForDispose(nameof(MappedView)));
    }

    /// <summary>Releases the pointer (idempotent), recording the caller as the unmap site at no cost.</summary>
    /// <param name="member">Calling member (compiler-filled).</param>
    /// <param name="file">Calling file (compiler-filled).</param>
    /// <param name="line">Calling line (compiler-filled).</param>
    public void Release([CallerMemberName] string member = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        ReleaseCore(Id == 0 ? null : SiteRegistry.GetFromCaller(member, file, line));

    /// <summary>Acquires the pointer of a view handle and tracks it.</summary>
    internal static MappedView Acquire(SafeMemoryMappedViewHandle handle, long offset, long capacity, string member, string file, int line)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ObjectDisposedException.ThrowIf(handle.IsClosed, handle);
        byte* start = null;
        handle.AcquirePointer(ref start); // throws ObjectDisposedException for a closed handle
        var view = new MappedView(handle, (nint)(start + offset), checked((nint)capacity));
        view.Track(member, file, line);
        return view;
    }

    private void Track(string member, string file, int line)
    {
        if (!GuardRuntime.Enabled)
        {
            return; // mode 0: the pointer only
        }

        SourceSite site = SiteRegistry.GetFromCaller(member, file, line);
        ulong id = RangeRegistration.Register(RangeKind.MappedView, (void*)Pointer, (nuint)Length, 0, site.Id, 0, "mapped views");
        if (id == 0)
        {
            return;
        }

        Id = id;
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

        ulong id = Id;
        if (id != 0)
        {
            // Release the range first, then the pointer: the view is never unmapped while the table calls it live.
            RangeRegistration.Release(id, site);
            MappedViewTable.Add(id, _handle);
        }

        _handle.ReleasePointer();
    }
}
