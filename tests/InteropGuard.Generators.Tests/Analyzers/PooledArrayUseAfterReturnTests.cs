// PooledArrayUseAfterReturnTests.cs: IG1007 pooled-array-use-after-return, flagged snippets and the nearest correct code.
using InteropGuard.Generators.Analyzers;
using InteropGuard.Generators.Tests.Analyzers.Support;
using NUnit.Framework;

namespace InteropGuard.Generators.Tests.Analyzers;

[TestFixture]
public sealed class PooledArrayUseAfterReturnTests
{
    private const string Helpers = """
        static class Io
        {
            public static int Fill(byte[] buffer) => 0;
            public static void Send(ReadOnlySpan<byte> data) { }
            public static bool Fails() => false;
        }

        """;

    private static void Verify(string source) => AnalyzerVerifier.Verify<PooledArrayUseAfterReturnAnalyzer>(Helpers + source);

    [Test]
    public void Detects_WriteAndPassAfterReturn() => Verify("""
        class Codec
        {
            public static int Encode()
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(256);
                int n = Io.Fill(buffer);
                ArrayPool<byte>.Shared.Return(buffer);
                [|buffer|][0] = 1;
                return Io.Fill([|buffer|]);
            }
        }
        """);

    [Test]
    public void Detects_UseAfterReturnOnOnePath() => Verify("""
        class Codec
        {
            public static byte Encode(bool fast)
            {
                var pool = ArrayPool<byte>.Shared;
                byte[] buffer = pool.Rent(256);
                if (fast)
                    pool.Return(buffer);
                Io.Fill([|buffer|]);
                return 0;
            }
        }
        """);

    [Test]
    public void Detects_ReturnTwice() => Verify("""
        class Codec
        {
            public static void Encode()
            {
                char[] buffer = ArrayPool<char>.Shared.Rent(16);
                try
                {
                    if (Io.Fails())
                    {
                        ArrayPool<char>.Shared.Return(buffer);
                        return;
                    }
                    ArrayPool<char>.Shared.Return(buffer);
                }
                finally
                {
                    ArrayPool<char>.Shared.Return([|buffer|]);
                }
            }
        }
        """);

    [Test]
    public void Detects_SpanOverTheArrayUsedAfterReturn() => Verify("""
        class Codec
        {
            public static void Send(ArrayPool<byte> pool)
            {
                byte[] buffer = pool.Rent(64);
                Span<byte> span = buffer.AsSpan(0, 16);
                var head = span.Slice(0, 4);
                pool.Return(buffer);
                Io.Send([|span|]);
                [|head|][0] = 9;
            }
        }
        """);

    [Test]
    public void Detects_UseInTheNextIterationOfALoop() => Verify("""
        class Codec
        {
            public static void SendAll(int count)
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(64);
                for (int i = 0; i < count; i++)
                {
                    Io.Fill([|buffer|]);
                    ArrayPool<byte>.Shared.Return([|buffer|]);
                }
            }
            public static void Release(byte[] rented)
            {
                ArrayPool<byte>.Shared.Return(rented);
                Io.Fill([|rented|]);
            }
        }
        """);

    [Test]
    public void Allows_ReturnInFinallyAfterTheLastUse() => Verify("""
        class Codec
        {
            public static int Encode()
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(256);
                try
                {
                    Span<byte> span = buffer;
                    span[0] = 1;
                    return Io.Fill(buffer);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        """);

    [Test]
    public void Allows_RentAgainOrClearAfterReturn() => Verify("""
        class Codec
        {
            public static void Grow(int size)
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(16);
                Io.Fill(buffer);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(size);
                Io.Fill(buffer);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = null;
                if (buffer != null)
                    Io.Fill(buffer);
            }
        }
        """);

    [Test]
    public void Allows_LengthAndNullChecksAfterReturn() => Verify("""
        class Codec
        {
            private long _total;
            public void Encode()
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(256);
                Io.Fill(buffer);
                ArrayPool<byte>.Shared.Return(buffer);
                _total += buffer.Length;
                _total += buffer?.Length ?? 0;
                if (buffer is null) return;
            }
        }
        """);

    [Test]
    public void Allows_RentAndReturnInsideTheLoop() => Verify("""
        class Codec
        {
            public static void SendAll(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    byte[] buffer = ArrayPool<byte>.Shared.Rent(64);
                    Io.Fill(buffer);
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            public static void Conditional(bool rent)
            {
                byte[] buffer = rent ? ArrayPool<byte>.Shared.Rent(8) : null;
                if (buffer != null)
                {
                    Io.Fill(buffer);
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        """);

    [Test]
    public void Allows_CopyTakenBeforeReturn() => Verify("""
        class Codec
        {
            public static byte[] Encode()
            {
                byte[] buffer = ArrayPool<byte>.Shared.Rent(8);
                Io.Fill(buffer);
                byte[] copy = buffer.AsSpan(0, 4).ToArray();
                ArrayPool<byte>.Shared.Return(buffer);
                return copy;
            }
        }
        """);

    [Test]
    public void Reports_TheReturnLine()
    {
        var diagnostics = AnalyzerVerifier.Run(new PooledArrayUseAfterReturnAnalyzer(), """
            class C
            {
                static void M()
                {
                    var a = ArrayPool<int>.Shared.Rent(4);
                    ArrayPool<int>.Shared.Return(a);
                    a[0] = 1;
                }
            }
            """);
        Assert.That(diagnostics, Has.Length.EqualTo(1));
        Assert.That(diagnostics[0].GetMessage(), Does.StartWith("'a' is used after it was returned to the pool (line 6)"));
    }
}
