// ReleaseModeScenario.cs - the release-mode scenario: a child process of the demo in release mode (every buffer sampled)
// lets the codec write past a pixel buffer; the guard page behind the buffer stops the write and the report names it.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace InteropGuard.Demo;

/// <summary>Release mode is chosen per process, and its report comes from a fault that ends the process, so this
/// scenario runs the buggy code in a child: <c>INTEROPGUARD=release</c>, <c>sample_rate=1</c> (every native buffer
/// ends at a guard page; the default samples 1 in 20000).</summary>
internal static class ReleaseModeScenario
{
    /// <summary>The argument that makes the demo run <see cref="ChildMain"/> instead of the scenarios.</summary>
    public const string ChildArgument = "--release-mode-child";

    /// <summary>Reports of the expected kind the last <see cref="Run"/> saw in the child's output.</summary>
    public static int ReportsSeen { get; private set; }

    /// <summary>Starts the child, shows its output, counts its <c>native-buffer-overflow</c> reports.</summary>
    public static void Run()
    {
        ReportsSeen = 0;
        string host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ReleaseModeScenario).Assembly.Location);
        }

        start.ArgumentList.Add(ChildArgument);
        start.Environment["INTEROPGUARD"] = "release";
        start.Environment["INTEROPGUARD_OPTIONS"] = "sample_rate=1";
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";

        using Process child = Process.Start(start) ?? throw new InvalidOperationException("could not start the demo's child process");
        var stdout = child.StandardOutput.ReadToEndAsync();
        string stderr = child.StandardError.ReadToEnd();
        if (!child.WaitForExit(60_000))
        {
            child.Kill(entireProcessTree: true);
            Console.WriteLine("      the child did not finish within 60 s");
            return;
        }

        foreach (string line in stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine("      child: " + line);
        }

        Console.Error.Write(stderr); // the child's report, as it printed it
        ReportsSeen = stderr.Split('\n').Count(line => line.StartsWith("ERROR: InteropGuard: native-buffer-overflow", StringComparison.Ordinal));
        Console.WriteLine($"      child exit code {child.ExitCode} (the fault ends the process as it would without InteropGuard)");
    }

    /// <summary>The buggy program, in release mode: the codec is told the buffer is longer than it is.</summary>
    public static int ChildMain()
    {
        Console.WriteLine($"mode {Guard.Mode}; decoding into a 100-byte buffer, telling the codec it has 256 bytes");
        using var pixels = NativeBuffer.Allocate(100);
        Console.Out.Flush();
        NativeCodec.Fill(pixels.Pointer, 256, 0x40);   // BUG: 156 bytes past the end; the guard page stops the write
        Console.WriteLine("not reached: the write faulted");
        return 0;
    }
}
