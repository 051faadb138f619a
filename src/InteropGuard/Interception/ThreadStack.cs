// ThreadStack.cs: the calling thread's stack bounds (pthread_getattr_np, once per thread), so a wrapper may read a struct a pointer argument points at on the caller's stack.
using System;
using System.Runtime.InteropServices;

namespace InteropGuard.Interception;

/// <summary>Memory between the current thread's stack limits is mapped and readable: a struct argument's pointer into it
/// (a local the caller passed with <c>&amp;</c>) can be read to check the pointers it holds. Linux (glibc, musl);
/// elsewhere, or when the call fails, no address counts as on the stack.</summary>
internal static unsafe partial class ThreadStack
{
    // pthread_attr_t is 56 bytes on x86-64 glibc and 64 on arm64; 128 leaves room for every libc.
    private const int AttrBytes = 128;

    [ThreadStatic]
    private static nuint t_lo;
    [ThreadStatic]
    private static nuint t_hi;
    [ThreadStatic]
    private static bool t_known;

    /// <summary>True when [<paramref name="pointer"/>, +<paramref name="size"/>) lies inside the current thread's stack.</summary>
    public static bool Contains(void* pointer, nuint size)
    {
        if (!t_known)
        {
            Read();
        }

        nuint p = (nuint)pointer;
        return p >= t_lo && p < t_hi && t_hi - p >= size;
    }

    private static void Read()
    {
        t_known = true;
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            byte* attr = stackalloc byte[AttrBytes];
            if (pthread_getattr_np(pthread_self(), attr) != 0)
            {
                return;
            }

            void* address;
            nuint size;
            if (pthread_attr_getstack(attr, &address, &size) == 0)
            {
                t_lo = (nuint)address;
                t_hi = (nuint)address + size;
            }

            _ = pthread_attr_destroy(attr);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No such libc: nothing counts as on the stack (struct pointers into it are not followed).
        }
    }

    [LibraryImport("libc")]
    private static partial nint pthread_self();

    [LibraryImport("libc")]
    private static partial int pthread_getattr_np(nint thread, byte* attr);

    [LibraryImport("libc")]
    private static partial int pthread_attr_getstack(byte* attr, void** address, nuint* size);

    [LibraryImport("libc")]
    private static partial int pthread_attr_destroy(byte* attr);
}
