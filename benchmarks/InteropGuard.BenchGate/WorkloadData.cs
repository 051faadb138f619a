// WorkloadData.cs - the fixed inputs of the gate's workloads: buffer sizes and record text from a seeded generator, so
// every run, round and side processes exactly the same bytes; built once, before measuring.
using System;
using System.Text;

namespace InteropGuard.BenchGate;

/// <summary>Deterministic sizes and text (seeded <see cref="Random"/>; the seeded algorithm is fixed across runtimes).</summary>
internal static class WorkloadData
{
    private static readonly string[] s_words =
    [
        "interop", "guard", "buffer", "native", "managed", "pointer", "release", "sample", "zlib", "sqlite",
        "record", "value", "page", "block", "call", "check", "filter", "range", "handle", "mode",
    ];

    /// <summary><paramref name="count"/> sizes between <paramref name="min"/> and <paramref name="max"/> bytes,
    /// log-uniform (as many 64-B buffers as 4-KiB ones per factor of two).</summary>
    public static int[] Sizes(int count, int min, int max, int seed)
    {
        var random = new Random(seed);
        var sizes = new int[count];
        double ratio = (double)max / min;
        for (int i = 0; i < count; i++)
        {
            sizes[i] = Math.Clamp((int)(min * Math.Pow(ratio, random.NextDouble())), min, max);
        }

        return sizes;
    }

    /// <summary>Compressible UTF-8 text of exactly <paramref name="length"/> bytes: words and numbers, like a log line or a record.</summary>
    public static byte[] Text(int length, Random random)
    {
        var text = new StringBuilder(length + 16);
        while (text.Length < length)
        {
            text.Append(s_words[random.Next(s_words.Length)]).Append(' ');
            if (random.Next(4) == 0)
            {
                text.Append(random.Next(100000)).Append(' ');
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString(0, length));
    }
}
