// SqliteNative.cs - the SQLite entry points of the gate's insert workload (the system's libsqlite3.so.0, plain
// [DllImport]), declared twice: RawSqlite (also the setup calls) is left alone by the generator, GuardedSqlite is
// intercepted. Connections and statements are nint handles, so the guarded side checks one on every call.
using System.Runtime.InteropServices;
using InteropGuard.Interception;

namespace InteropGuard.BenchGate;

/// <summary>The direct calls (the baselines) and the setup calls the gate does not measure.</summary>
[NotIntercepted]
internal static unsafe class RawSqlite
{
    private const string Library = "libsqlite3.so.0";

    /// <summary>SQLITE_OK.</summary>
    public const int Ok = 0;

    /// <summary>SQLITE_DONE: sqlite3_step finished the statement.</summary>
    public const int Done = 101;

    [DllImport(Library, EntryPoint = "sqlite3_open")]
    public static extern int Open(byte* fileName, nint* database);

    [DllImport(Library, EntryPoint = "sqlite3_close")]
    public static extern int Close(nint database);

    [DllImport(Library, EntryPoint = "sqlite3_exec")]
    public static extern int Exec(nint database, byte* sql, nint callback, nint argument, byte** error);

    [DllImport(Library, EntryPoint = "sqlite3_prepare_v2")]
    public static extern int Prepare(nint database, byte* sql, int length, nint* statement, byte** tail);

    [DllImport(Library, EntryPoint = "sqlite3_finalize")]
    public static extern int Finalize(nint statement);

    [DllImport(Library, EntryPoint = "sqlite3_errmsg")]
    public static extern byte* ErrorMessage(nint database);

    [DllImport(Library, EntryPoint = "sqlite3_bind_int64")]
    public static extern int BindInt64(nint statement, int index, long value);

    [DllImport(Library, EntryPoint = "sqlite3_bind_double")]
    public static extern int BindDouble(nint statement, int index, double value);

    /// <summary><paramref name="destructor"/> 0 = SQLITE_STATIC: the text stays valid until the next bind or reset.</summary>
    [DllImport(Library, EntryPoint = "sqlite3_bind_text")]
    public static extern int BindText(nint statement, int index, byte* text, int length, nint destructor);

    [DllImport(Library, EntryPoint = "sqlite3_step")]
    public static extern int Step(nint statement);

    [DllImport(Library, EntryPoint = "sqlite3_reset")]
    public static extern int Reset(nint statement);
}

/// <summary>The measured calls, intercepted by the generator.</summary>
internal static unsafe class GuardedSqlite
{
    private const string Library = "libsqlite3.so.0";

    [DllImport(Library, EntryPoint = "sqlite3_bind_int64")]
    public static extern int BindInt64(nint statement, int index, long value);

    [DllImport(Library, EntryPoint = "sqlite3_bind_double")]
    public static extern int BindDouble(nint statement, int index, double value);

    [DllImport(Library, EntryPoint = "sqlite3_bind_text")]
    public static extern int BindText(nint statement, int index, byte* text, int length, nint destructor);

    [DllImport(Library, EntryPoint = "sqlite3_step")]
    public static extern int Step(nint statement);

    [DllImport(Library, EntryPoint = "sqlite3_reset")]
    public static extern int Reset(nint statement);
}
