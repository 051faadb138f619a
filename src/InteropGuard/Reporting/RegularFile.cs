// RegularFile.cs: whether a path names a regular file, asked before a file InteropGuard reads is opened (opening a FIFO
// blocks, a device never ends).
using System;
using System.Runtime.InteropServices;

namespace InteropGuard.Reporting;

/// <summary>The file type of a path, through <c>statx</c> (glibc 2.28+, musl 1.2.5+; its layout is the same on every
/// architecture), following symbolic links. Where <c>statx</c> is missing the answer is "unknown" and the caller's size
/// limit is the only guard.</summary>
internal static unsafe partial class RegularFile
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, then stx_mode
    private const ushort TypeMask = 0xF000;

    /// <summary>Null when <paramref name="path"/> is a regular file (or its type cannot be learned); otherwise what it is
    /// instead, e.g. "a character device". A path that does not exist gives null: opening it says so.</summary>
    public static string? WhatElse(string path)
    {
        byte* buffer = stackalloc byte[256];
        int result;
        try
        {
            result = statx(AtFdCwd, path, 0, StatxType, buffer);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        if (result != 0)
        {
            return null;
        }

        return (*(ushort*)(buffer + ModeOffset) & TypeMask) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO (named pipe)",
            0xC000 => "a socket",
            _ => "not a regular file",
        };
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
