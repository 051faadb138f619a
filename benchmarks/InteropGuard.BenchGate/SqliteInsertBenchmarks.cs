// SqliteInsertBenchmarks.cs - the gate's SQLite workload: rows inserted into an in-memory database through plain
// P/Invoke to the system's libsqlite3.so.0, direct against intercepted (every handle argument checked); run in release
// mode by the gate.
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace InteropGuard.BenchGate;

/// <summary>
/// Per invocation: <c>BEGIN</c>, <see cref="Rows"/> inserts of (integer, real, text of 8–64 B) with one statement
/// prepared once (bind ×3, step, reset per row: five native calls, each with the statement handle, one with a text
/// pointer), then <c>ROLLBACK</c>, so the table is empty again and every invocation does the same work. The database,
/// statements and text live for the whole benchmark and both sides use them (the sides alternate, never overlap).
/// </summary>
public unsafe class SqliteInsertBenchmarks
{
    /// <summary>Rows per invocation.</summary>
    public const int Rows = 200;

    private readonly int[] _textLengths = WorkloadData.Sizes(Rows, 8, 64, seed: 0x5EED_0003);
    private readonly nint[] _textOffsets = new nint[Rows];
    private byte* _text;
    private nint _database;
    private nint _insert;
    private nint _begin;
    private nint _rollback;

    private readonly Func<int>[][] _sides;
    private Func<int> _run;

    /// <summary>Builds the copies of the three sides (<see cref="GateCopies"/>).</summary>
    public SqliteInsertBenchmarks()
    {
        _sides = GateCopies.Delegates<Func<int>>(this);
        _run = _sides[0][0];
    }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(0x5EED_0004);
        nint total = 0;
        foreach (int length in _textLengths)
        {
            total += length;
        }

        _text = (byte*)NativeMemory.Alloc((nuint)total);
        nint offset = 0;
        for (int i = 0; i < Rows; i++)
        {
            _textOffsets[i] = offset;
            WorkloadData.Text(_textLengths[i], random).CopyTo(new Span<byte>(_text + offset, _textLengths[i]));
            offset += _textLengths[i];
        }

        nint database;
        fixed (byte* name = ":memory:\0"u8)
        {
            Expect(RawSqlite.Open(name, &database), "sqlite3_open(:memory:)");
        }

        _database = database;
        Execute("CREATE TABLE records (id INTEGER, score REAL, label TEXT)");
        _insert = Prepare("INSERT INTO records VALUES (?1, ?2, ?3)");
        _begin = Prepare("BEGIN");
        _rollback = Prepare("ROLLBACK");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        RawSqlite.Finalize(_insert);
        RawSqlite.Finalize(_begin);
        RawSqlite.Finalize(_rollback);
        RawSqlite.Close(_database);
        NativeMemory.Free(_text);
    }

    [IterationSetup(Target = nameof(Alternating))]
    public void NextSide() => _run = GateCopies.Next(_sides);

    /// <summary>What the gate measures: each iteration runs the side <see cref="GateAlternation"/> hands out.</summary>
    [Benchmark]
    public int Alternating() => _run();

    /// <summary>The baseline: direct P/Invoke (and NativeMemory); one copy per <typeparamref name="TCopy"/> (<see cref="GateCopies"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Raw<TCopy>()
        where TCopy : struct
    {
        nint insert = _insert;
        Expect(RawSqlite.Step(_begin), RawSqlite.Done, "BEGIN");
        RawSqlite.Reset(_begin);
        for (int i = 0; i < Rows; i++)
        {
            RawSqlite.BindInt64(insert, 1, i);
            RawSqlite.BindDouble(insert, 2, i * 0.5);
            RawSqlite.BindText(insert, 3, _text + _textOffsets[i], _textLengths[i], 0);
            if (RawSqlite.Step(insert) != RawSqlite.Done)
            {
                Fail("INSERT");
            }

            RawSqlite.Reset(insert);
        }

        Expect(RawSqlite.Step(_rollback), RawSqlite.Done, "ROLLBACK");
        return RawSqlite.Reset(_rollback);
    }

    /// <summary>The control run's stand-in for <see cref="Guarded{TCopy}"/>: <see cref="Raw{TCopy}"/>'s code in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Twin<TCopy>()
        where TCopy : struct
    {
        nint insert = _insert;
        Expect(RawSqlite.Step(_begin), RawSqlite.Done, "BEGIN");
        RawSqlite.Reset(_begin);
        for (int i = 0; i < Rows; i++)
        {
            RawSqlite.BindInt64(insert, 1, i);
            RawSqlite.BindDouble(insert, 2, i * 0.5);
            RawSqlite.BindText(insert, 3, _text + _textOffsets[i], _textLengths[i], 0);
            if (RawSqlite.Step(insert) != RawSqlite.Done)
            {
                Fail("INSERT");
            }

            RawSqlite.Reset(insert);
        }

        Expect(RawSqlite.Step(_rollback), RawSqlite.Done, "ROLLBACK");
        return RawSqlite.Reset(_rollback);
    }

    /// <summary>Release mode: the same work through the intercepted calls (and GuardedNativeMemory); one copy per <typeparamref name="TCopy"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public int Guarded<TCopy>()
        where TCopy : struct
    {
        nint insert = _insert;
        Expect(GuardedSqlite.Step(_begin), RawSqlite.Done, "BEGIN");
        GuardedSqlite.Reset(_begin);
        for (int i = 0; i < Rows; i++)
        {
            GuardedSqlite.BindInt64(insert, 1, i);
            GuardedSqlite.BindDouble(insert, 2, i * 0.5);
            GuardedSqlite.BindText(insert, 3, _text + _textOffsets[i], _textLengths[i], 0);
            if (GuardedSqlite.Step(insert) != RawSqlite.Done)
            {
                Fail("INSERT");
            }

            GuardedSqlite.Reset(insert);
        }

        Expect(GuardedSqlite.Step(_rollback), RawSqlite.Done, "ROLLBACK");
        return GuardedSqlite.Reset(_rollback);
    }

    private void Execute(string sql)
    {
        nint statement = Prepare(sql);
        Expect(RawSqlite.Step(statement), RawSqlite.Done, sql);
        RawSqlite.Finalize(statement);
    }

    private nint Prepare(string sql)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(sql + "\0");
        nint statement;
        fixed (byte* text = utf8)
        {
            Expect(RawSqlite.Prepare(_database, text, -1, &statement, null), $"sqlite3_prepare_v2({sql})");
        }

        return statement;
    }

    private void Expect(int code, string what) => Expect(code, RawSqlite.Ok, what);

    private void Expect(int code, int expected, string what)
    {
        if (code != expected)
        {
            Fail($"{what} returned {code}");
        }
    }

    private void Fail(string what)
    {
        string message = Marshal.PtrToStringUTF8((nint)RawSqlite.ErrorMessage(_database)) ?? "";
        throw new InvalidOperationException($"sqlite: {what}: {message}");
    }
}
