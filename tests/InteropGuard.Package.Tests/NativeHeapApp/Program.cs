// The Program.cs of a fresh `dotnet new console` app (no project edits, no unsafe code, no InteropGuard code): plain
// [DllImport]s of Debian's libz and libsqlite3 whose heaps keep what the program passed them. The first argument picks
// the scenario; a "-ok" suffix runs the nearest correct code.
using System.Runtime;
using System.Runtime.InteropServices;

string scenario = args[0];
switch (scenario)
{
    case "zlib":
        Zlib.DeflateInitUnpinned();                          // BUG: deflate's state keeps a pointer to a z_stream the GC moves
        break;
    case "zlib-ok":
        Zlib.DeflateInitNative();                            // the z_stream lives in native memory
        break;
    case "sqlite-static":
        Sqlite.BindStatic(transient: false);                 // BUG: SQLITE_STATIC keeps a pointer into a byte[] the GC moves
        break;
    case "sqlite-static-ok":
        Sqlite.BindStatic(transient: true);                  // SQLITE_TRANSIENT: SQLite copies the bytes
        break;
    case "sqlite-function":
        Sqlite.CreateFunction(keep: false);                  // BUG: SQLite keeps a callback whose delegate nothing keeps
        break;
    case "sqlite-function-ok":
        Sqlite.CreateFunction(keep: true);                   // the delegate stays in a static while SQLite holds it
        break;
}

Gc.Compact();
Console.WriteLine("done");

internal static class Gc
{
    public static byte[]? Garbage = new byte[64 * 1024];

    /// <summary>Drops the garbage allocated before everything else and compacts: what native code points at slides.</summary>
    public static void Compact()
    {
        Garbage = null;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }
}

/// <summary>zlib's z_stream (64-bit layout).</summary>
[StructLayout(LayoutKind.Sequential)]
internal sealed class ZStream
{
    public nint NextIn;
    public uint AvailIn;
    public nuint TotalIn;
    public nint NextOut;
    public uint AvailOut;
    public nuint TotalOut;
    public nint Msg;
    public nint State;
    public nint ZAlloc;
    public nint ZFree;
    public nint Opaque;
    public int DataType;
    public nuint Adler;
    public nuint Reserved;
}

internal static class Zlib
{
    public static ZStream? Stream;
    public static nint NativeStream;

    [DllImport("libz.so.1", EntryPoint = "deflateInit_")]
    private static extern int DeflateInit(ZStream stream, int level, [MarshalAs(UnmanagedType.LPStr)] string version, int size);

    [DllImport("libz.so.1", EntryPoint = "deflateInit_")]
    private static extern int DeflateInit(nint stream, int level, [MarshalAs(UnmanagedType.LPStr)] string version, int size);

    [DllImport("libz.so.1", EntryPoint = "zlibVersion")]
    private static extern nint Version();

    public static void DeflateInitUnpinned()
    {
        Stream = new ZStream();
        int rc = DeflateInit(Stream, 6, Marshal.PtrToStringAnsi(Version())!, Marshal.SizeOf<ZStream>());
        Console.WriteLine("deflateInit " + rc);
    }

    public static void DeflateInitNative()
    {
        NativeStream = Marshal.AllocHGlobal(Marshal.SizeOf<ZStream>());
        Marshal.StructureToPtr(new ZStream(), NativeStream, false);
        int rc = DeflateInit(NativeStream, 6, Marshal.PtrToStringAnsi(Version())!, Marshal.SizeOf<ZStream>());
        Console.WriteLine("deflateInit " + rc);
    }
}

internal delegate void SqlFunction(nint context, int argc, nint argv);

internal static class Sqlite
{
    private const string Lib = "libsqlite3.so.0";
    public static nint Db;
    public static nint Statement;
    public static byte[]? Blob;
    private static SqlFunction? s_kept;

    [DllImport(Lib, EntryPoint = "sqlite3_open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string name, out nint db);

    [DllImport(Lib, EntryPoint = "sqlite3_prepare_v2")]
    private static extern int Prepare(nint db, [MarshalAs(UnmanagedType.LPUTF8Str)] string sql, int bytes, out nint statement, nint tail);

    [DllImport(Lib, EntryPoint = "sqlite3_bind_blob")]
    private static extern int BindBlob(nint statement, int index, byte[] data, int bytes, nint destructor);

    [DllImport(Lib, EntryPoint = "sqlite3_create_function")]
    private static extern int CreateFunction(nint db, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, int args, int encoding, nint app,
        SqlFunction function, nint step, nint final);

    [DllImport(Lib, EntryPoint = "sqlite3_result_int")]
    private static extern void ResultInt(nint context, int value);

    public static void BindStatic(bool transient)
    {
        Open(":memory:", out Db);
        Prepare(Db, "select length(?)", -1, out Statement, 0);
        Blob = new byte[200];
        int rc = BindBlob(Statement, 1, Blob, Blob.Length, transient ? -1 : 0);
        Console.WriteLine("bind " + rc);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static void CreateFunction(bool keep)
    {
        Open(":memory:", out Db);
        int calls = 0;
        SqlFunction function = (context, argc, argv) => ResultInt(context, ++calls);
        if (keep)
        {
            s_kept = function;
        }

        int rc = CreateFunction(Db, "counter", 0, 1 /* SQLITE_UTF8 */, 0, function, 0, 0);
        Console.WriteLine("create_function " + rc);
    }
}
