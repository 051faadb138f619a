// Program.cs: the validator's target programs: `<scenario> <bug|ok>` sets up a state, prints "READY pid=.. table=0x..",
// and waits on stdin ("next" = next phase, "ping" = "pong", "quit" or end of input = exit). Run by the validator tests.
using System;
using System.Globalization;

namespace InteropGuard.ValidatorTargets;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length < 1 || !Scenarios.TryGet(args[0], out Scenario? scenario))
        {
            Console.Error.WriteLine("usage: InteropGuard.ValidatorTargets <scenario> [bug|ok]; scenarios: " + string.Join(", ", Scenarios.Names));
            return 2;
        }

        bool bug = args.Length < 2 || args[1] != "ok";
        Scenarios.Extra = args.Length > 2 ? args[2..] : [];
        Guard.Check(0, 0); // loads libinteropguard and initialises its table
        var phases = scenario(bug);
        using var steps = phases.GetEnumerator();
        while (steps.MoveNext())
        {
            Ready(steps.Current);
            if (!WaitForNext())
            {
                return 0;
            }
        }

        Ready(0);
        while (WaitForNext())
        {
            // no more phases: stay in the last state until told to quit
        }

        return 0;
    }

    private static unsafe void Ready(ulong table)
    {
        ulong address = table != 0 ? table : (ulong)TargetNative.Table();
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"READY pid={Environment.ProcessId} table=0x{address:x}"));
        Console.Out.Flush();
    }

    /// <summary>True on "next"; false on "quit" or end of input. Answers "ping" with "pong".</summary>
    private static bool WaitForNext()
    {
        while (true)
        {
            string? line = Console.In.ReadLine();
            switch (line?.Trim())
            {
                case null:
                case "quit":
                    return false;
                case "next":
                    return true;
                case "ping":
                    Console.Out.WriteLine("pong");
                    Console.Out.Flush();
                    break;
            }
        }
    }
}
