// ProgressSink.cs - the managed object the native codec's progress callback reaches through a handle cookie.
using System;

namespace InteropGuard.Demo;

/// <summary>Receives decode progress from the codec's callback.</summary>
internal sealed class ProgressSink
{
    /// <summary>Last percentage reported.</summary>
    public int Percent { get; private set; }

    /// <summary>Called from the codec's progress callback.</summary>
    public void Report(int percent)
    {
        Percent = percent;
        Console.WriteLine($"      progress {percent}%");
    }
}
