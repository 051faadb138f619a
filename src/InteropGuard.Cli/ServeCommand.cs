// ServeCommand.cs: `interopguard serve --pid N [--table 0x..]`: the persistent validator child of a mode-2 process (docs/design/validator-protocol.md).
using System;
using System.CommandLine;
using System.Globalization;

namespace InteropGuard.Cli;

/// <summary>Defines the <c>serve</c> command; the session itself is <see cref="ServeSession"/>.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var pid = new Option<int>("--pid") { Description = "The target process (the mode-2 process that started this validator).", Required = true };
        var table = new Option<string?>("--table") { Description = "0x<address> of the target's ig_table_header_t (the value of ig_shadow_table); default: found through libinteropguard.so's export." };
        var command = new Command("serve", "Run as the persistent validator child of a mode-2 process: JSON lines on stdin/stdout (docs/design/validator-protocol.md).");
        command.Options.Add(pid);
        command.Options.Add(table);
        command.SetAction(result =>
        {
            string? tableText = result.GetValue(table);
            ulong address = 0;
            if (!string.IsNullOrEmpty(tableText) && !TryParseAddress(tableText, out address))
            {
                Console.Error.WriteLine($"InteropGuard validator: --table '{tableText}' is not an address; pass 0x<hex> (the value of ig_shadow_table).");
                return 2;
            }

            return new ServeSession(result.GetValue(pid), address, Console.In, Console.Out, Console.Error).Run();
        });
        return command;
    }

    /// <summary>Parses 0x-prefixed hex (or plain decimal).</summary>
    public static bool TryParseAddress(string text, out ulong address)
    {
        text = text.Trim();
        return text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out address)
            : ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out address);
    }
}
