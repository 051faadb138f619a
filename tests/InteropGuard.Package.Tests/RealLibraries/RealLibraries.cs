// RealLibraries.cs: a correct program doing real work through four native libraries (SQLite via Microsoft.Data.Sqlite,
// libgit2 via LibGit2Sharp, Skia via SkiaSharp, zstd via ZstdNet) with compacting GCs between the steps; it checks its
// own results and prints one line per round, so a run that reports nothing also proves the work was done. Its own
// [DllImport]s into libzstd (the copy ZstdNet ships) are the calls InteropGuard's generator wraps; the libraries' own
// P/Invokes are in their assemblies, which the generator never sees.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using LibGit2Sharp;
using Microsoft.Data.Sqlite;
using SkiaSharp;
using ZstdNet;

int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
string work = Path.Combine(Path.GetTempPath(), "ig-real-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(work);
int failures = 0;
Check(DirectZstd.RoundTrip(Encoding.UTF8.GetBytes("a program's own P/Invoke, before the libraries load")), "direct zstd round trip at start");

void Check(bool ok, string what)
{
    if (!ok)
    {
        failures++;
        Console.WriteLine("MISMATCH: " + what);
    }
}

// Everything movable moves: a blocking, compacting collection of every generation and of the large object heap.
static void Compact()
{
    GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
}

// Garbage between the steps so the compaction has something to slide live objects over.
static void Churn(int seed)
{
    var junk = new List<byte[]>();
    for (int i = 0; i < 2000; i++)
    {
        junk.Add(new byte[(i * 37 + seed) % 4096 + 1]);
    }

    junk.Add(new byte[200_000]);
    GC.KeepAlive(junk);
}

try
{
    using var db = new SqliteConnection("Data Source=" + Path.Combine(work, "real.db"));
    db.Open();
    using (SqliteCommand create = db.CreateCommand())
    {
        create.CommandText = "CREATE TABLE items (id INTEGER PRIMARY KEY, round INTEGER, name TEXT, data BLOB)";
        create.ExecuteNonQuery();
    }

    // A scalar function SQLite calls back into for every row: a delegate e_sqlite3 holds for as long as the connection
    // lives, across the compactions below.
    int calls = 0;
    db.CreateFunction("bytesum", (byte[] data) =>
    {
        if (++calls % 100 == 0)
        {
            Compact();
        }

        long sum = 0;
        foreach (byte b in data)
        {
            sum += b;
        }

        return sum;
    });

    var repository = new Repository(Repository.Init(Path.Combine(work, "repo")));
    var author = new Signature("Real Libraries", "real@example.com", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    for (int round = 0; round < rounds; round++)
    {
        var random = new Random(round + 1);

        // SQLite: parameterised inserts (text and blob) in a transaction, then queries that read them back.
        var expected = new Dictionary<string, byte[]>();
        using (SqliteTransaction transaction = db.BeginTransaction())
        using (SqliteCommand insert = db.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO items (round, name, data) VALUES ($round, $name, $data)";
            SqliteParameter pRound = insert.Parameters.Add("$round", SqliteType.Integer);
            SqliteParameter pName = insert.Parameters.Add("$name", SqliteType.Text);
            SqliteParameter pData = insert.Parameters.Add("$data", SqliteType.Blob);
            for (int i = 0; i < 200; i++)
            {
                byte[] data = new byte[random.Next(1, 3000)];
                random.NextBytes(data);
                string name = $"item-{round}-{i}-ü{new string('x', i % 50)}";
                expected[name] = data;
                pRound.Value = round;
                pName.Value = name;
                pData.Value = data;
                insert.ExecuteNonQuery();
                if (i % 50 == 0)
                {
                    Compact();
                }
            }

            transaction.Commit();
        }

        Churn(round);
        Compact();
        int seen = 0;
        using (SqliteCommand query = db.CreateCommand())
        {
            query.CommandText = "SELECT name, data FROM items WHERE round = $round AND length(data) > $min ORDER BY id";
            query.Parameters.AddWithValue("$round", round);
            query.Parameters.AddWithValue("$min", 0);
            using SqliteDataReader reader = query.ExecuteReader();
            while (reader.Read())
            {
                string name = reader.GetString(0);
                byte[] data = (byte[])reader.GetValue(1);
                Check(expected.TryGetValue(name, out byte[]? want) && want.AsSpan().SequenceEqual(data), "sqlite row " + name);
                seen++;
                if (seen % 64 == 0)
                {
                    Compact();
                }
            }
        }

        Check(seen == expected.Count, $"sqlite rows {seen} != {expected.Count}");
        using (SqliteCommand count = db.CreateCommand())
        {
            count.CommandText = "SELECT count(*), sum(bytesum(data)) FROM items WHERE round = $round";
            count.Parameters.AddWithValue("$round", round);
            using SqliteDataReader reader = count.ExecuteReader();
            reader.Read();
            Check(reader.GetInt64(0) == 200, "sqlite count of the round");
            Check(reader.GetInt64(1) == expected.Values.Sum(d => d.Sum(b => (long)b)), "sqlite bytesum callback total");
        }

        Compact();

        // libgit2: write files, stage, commit, then walk the log and read the blobs back from the object database.
        string file = Path.Combine(repository.Info.WorkingDirectory, $"file{round}.txt");
        string content = string.Join("\n", Enumerable.Range(0, 500).Select(i => $"round {round} line {i} {random.Next()}"));
        File.WriteAllText(file, content);
        Commands.Stage(repository, "*");
        Compact();
        Commit commit = repository.Commit($"round {round}", author, author);
        Churn(round + 7);
        Compact();
        List<Commit> log = repository.Commits.ToList();
        Check(log.Count == round + 1, $"git log has {log.Count} commits, expected {round + 1}");
        Check(log[0].Sha == commit.Sha && log[0].MessageShort == $"round {round}", "git head commit");
        var blob = (Blob)commit[$"file{round}.txt"].Target;
        Check(blob.GetContentText() == content, "git blob content");
        Check(!repository.RetrieveStatus().IsDirty, "git status clean after commit");
        Compact();

        // Skia: draw into a bitmap, encode it to PNG, decode the PNG and compare every pixel.
        using (var bitmap = new SKBitmap(new SKImageInfo(256, 192, SKColorType.Rgba8888, SKAlphaType.Premul)))
        {
            using (var canvas = new SKCanvas(bitmap))
            using (var paint = new SKPaint { Color = new SKColor(30, 144, (byte)(round * 40), 255), IsAntialias = true, StrokeWidth = 3 })
            {
                canvas.Clear(SKColors.White);
                canvas.DrawCircle(128, 96, 60 + round, paint);
                paint.Style = SKPaintStyle.Stroke;
                paint.Color = SKColors.Black;
                canvas.DrawRect(10, 10, 236, 172, paint);
                canvas.DrawLine(0, 0, 256, 192, paint);
                canvas.DrawOval(new SKRect(40, 30, 216, 162), paint);
            }

            Compact();
            using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            byte[] pngBytes = png.ToArray();
            Check(pngBytes.Length > 8 && pngBytes[1] == (byte)'P' && pngBytes[2] == (byte)'N' && pngBytes[3] == (byte)'G', "skia png signature");
            Churn(round + 13);
            Compact();
            using SKBitmap decoded = SKBitmap.Decode(pngBytes);
            Check(decoded is not null && decoded.Width == 256 && decoded.Height == 192, "skia decoded size");
            if (decoded is not null)
            {
                using SKBitmap same = decoded.Copy(SKColorType.Rgba8888);
                Check(SHA256.HashData(same.GetPixelSpan()).AsSpan().SequenceEqual(SHA256.HashData(bitmap.GetPixelSpan())), "skia pixels after png round trip");
            }
        }

        Compact();

        // zstd: compress and decompress buffers of several sizes and shapes, with and without a dictionary.
        using (var compressor = new Compressor(new CompressionOptions(3)))
        using (var decompressor = new Decompressor())
        {
            foreach (int size in new[] { 0, 1, 1000, 65_536, 300_000 })
            {
                byte[] plain = new byte[size];
                for (int i = 0; i < size; i++)
                {
                    plain[i] = (byte)(i % 251 < 128 ? i % 7 : random.Next(256));
                }

                byte[] packed = compressor.Wrap(plain);
                Compact();
                byte[] unpacked = decompressor.Unwrap(packed);
                Check(unpacked.AsSpan().SequenceEqual(plain), $"zstd round trip of {size} bytes");
            }
        }

        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"round {round} of the stream form; ", 4000)));
        using (var packedStream = new MemoryStream())
        {
            using (var zstream = new CompressionStream(packedStream))
            {
                zstream.Write(text, 0, text.Length / 2);
                Compact();
                zstream.Write(text, text.Length / 2, text.Length - text.Length / 2);
            }

            using var unpackStream = new DecompressionStream(new MemoryStream(packedStream.ToArray()));
            using var result = new MemoryStream();
            unpackStream.CopyTo(result);
            Check(result.ToArray().AsSpan().SequenceEqual(text), "zstd stream round trip");
        }

        Check(DirectZstd.RoundTrip(text), "direct zstd round trip");
        Churn(round + 21);
        Compact();
        Console.WriteLine($"round {round}: sqlite {seen} rows, git {log.Count} commits, skia png, zstd ok");
    }

    repository.Dispose();
}
finally
{
    SqliteConnection.ClearAllPools();
    try
    {
        Directory.Delete(work, recursive: true);
    }
    catch (IOException)
    {
    }
    catch (UnauthorizedAccessException)
    {
    }
}

Check(DirectZstd.RoundTrip(new byte[100_000]), "direct zstd round trip of zeros");
Console.WriteLine(failures == 0 ? "checksums ok" : $"{failures} checksum mismatches");
Console.WriteLine("done");
return failures == 0 ? 0 : 1;

// The program's own calls into libzstd: arrays the marshaller pins only for the call, read or written during it.
internal static class DirectZstd
{
    [DllImport("libzstd", EntryPoint = "ZSTD_compress")]
    private static extern nuint Compress(byte[] destination, nuint capacity, byte[] source, nuint size, int level);

    [DllImport("libzstd", EntryPoint = "ZSTD_decompress")]
    private static extern nuint Decompress(byte[] destination, nuint capacity, byte[] source, nuint size);

    [DllImport("libzstd", EntryPoint = "ZSTD_isError")]
    private static extern uint IsError(nuint code);

    /// <summary>Compresses and decompresses <paramref name="plain"/>; true when the bytes come back unchanged.</summary>
    public static bool RoundTrip(byte[] plain)
    {
        byte[] packed = new byte[plain.Length + plain.Length / 128 + 1024];
        nuint packedSize = Compress(packed, (nuint)packed.Length, plain, (nuint)plain.Length, 3);
        if (IsError(packedSize) != 0)
        {
            return false;
        }

        byte[] unpacked = new byte[plain.Length];
        nuint size = Decompress(unpacked, (nuint)unpacked.Length, packed, packedSize);
        return IsError(size) == 0 && size == (nuint)plain.Length && unpacked.AsSpan().SequenceEqual(plain);
    }
}
