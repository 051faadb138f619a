// IgNative.cs: raw [LibraryImport] bindings of interopguard.h; only called once the library is loaded (Guard.IsEnabled).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>The raw C API. Callers check <c>GuardRuntime.Enabled</c> first: with the library missing these throw
/// <see cref="System.DllNotFoundException"/>.</summary>
internal static unsafe partial class IgNative
{
    /// <summary>The library name the resolver answers for.</summary>
    public const string Library = "libinteropguard";

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IgStatus ig_init(string? options, uint flags);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial long ig_option_int(string name);

    [LibraryImport(Library)]
    public static partial IgStatus ig_heap_install();

    [LibraryImport(Library)]
    public static partial void* ig_malloc(nuint size);

    [LibraryImport(Library)]
    public static partial void ig_free(void* ptr);

    [LibraryImport(Library)]
    public static partial nuint ig_usable_size(void* ptr);

    // SetLastError: errno tells a full table (ENOSPC) from a lack of memory (ENOMEM).
    [LibraryImport(Library, SetLastError = true)]
    public static partial void* ig_malloc_at(nuint size, nuint alignment, uint site);

    [LibraryImport(Library)]
    public static partial IgStatus ig_set_alloc_site(void* pointer, uint site);

    [LibraryImport(Library)]
    public static partial void* ig_malloc_sampled(nuint size, uint site, int zero);

    [LibraryImport(Library)]
    public static partial IgStatus ig_free_at(void* ptr, uint site, IgViolation* violation);

    [LibraryImport(Library)]
    public static partial nuint ig_verify(IgViolation* violations, nuint max);

    [LibraryImport(Library)]
    public static partial IgStatus ig_range_register(uint kind, void* start, nuint size, uint flags, uint site, ulong userTag, ulong* id);

    [LibraryImport(Library)]
    public static partial IgStatus ig_range_release(ulong id, uint site, IgRange* range);

    [LibraryImport(Library)]
    public static partial IgStatus ig_range_set_flags(ulong id, uint set, uint clear);

    [LibraryImport(Library)]
    public static partial IgStatus ig_range_get(ulong id, IgRange* range);

    [LibraryImport(Library)]
    public static partial int ig_guarded_info(void* pointer, ulong* poolLo, ulong* poolHi);

    [LibraryImport(Library)]
    public static partial int ig_release_mode();

    [LibraryImport(Library)]
    public static partial void* ig_map_low(nuint size);

    [LibraryImport(Library)]
    public static partial uint ig_lookup(void* address, nuint length, IgRange* range);

    /// <summary>The hot call: lock-free lookup + classify. No GC transition (the C side never blocks).</summary>
    [LibraryImport(Library)]
    [SuppressGCTransition]
    public static partial uint ig_check(void* address, nuint length, IgViolation* violation);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint ig_site_intern(string file, uint line, string function);

    [LibraryImport(Library)]
    public static partial IgStatus ig_site_get(uint id, IgSite* site);

    [LibraryImport(Library)]
    public static partial void ig_set_report_hook(delegate* unmanaged[Cdecl]<IgViolation*, void*, void> hook, void* context);

    [LibraryImport(Library)]
    public static partial void ig_report(IgViolation* violation);

    [LibraryImport(Library)]
    public static partial byte* ig_kind_name(uint kind);

    [LibraryImport(Library)]
    public static partial void ig_get_stats(IgStats* stats);

    [LibraryImport(Library)]
    public static partial IgTableHeader* ig_table();

    /// <summary>prctl(PR_SET_PTRACER, pid): lets the validator child attach; 0 or the errno (EINVAL = no Yama = 0).</summary>
    [LibraryImport(Library)]
    public static partial int ig_set_ptracer(long pid);
}
