// IgGenerateContractTables.cs: the MSBuild task (run by GenerateContractTables.targets before InteropGuard compiles)
// that reads the X-macro tables ig_kinds.inc and ig_options.inc and writes their C# form; not part of the runtime.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>Writes ContractTables.g.cs: <c>ViolationKind</c>, <c>KindTable</c> and <c>OptionTable</c> rows, read from the
/// C preprocessor tables the native library compiles. Fails the build (naming file and row) on a table it cannot read or
/// whose columns disagree.</summary>
public sealed class IgGenerateContractTables : Task
{
    /// <summary>native/include/ig_kinds.inc.</summary>
    [Required]
    public string KindsFile { get; set; } = "";

    /// <summary>native/src/ig_options.inc.</summary>
    [Required]
    public string OptionsFile { get; set; } = "";

    /// <summary>The C# file to write.</summary>
    [Required]
    public string OutputFile { get; set; } = "";

    private sealed class Kind
    {
        public string Enum = "", Ident = "", Name = "", Page = "", What = "", Note = "";
        public int Id;
        public int Default;
    }

    private sealed class Option
    {
        public string Name = "", Type = "", Default = "", Description = "";
        public long Min, Max;
    }

    public override bool Execute()
    {
        try
        {
            List<Kind> kinds = ReadKinds(KindsFile);
            List<Option> options = ReadOptions(OptionsFile, kinds);
            string text = Write(kinds, options);
            string dir = Path.GetDirectoryName(OutputFile);
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }

            if (!File.Exists(OutputFile) || File.ReadAllText(OutputFile) != text)
            {
                File.WriteAllText(OutputFile, text, new UTF8Encoding(false));
            }

            return true;
        }
        catch (FormatException e)
        {
            Log.LogError(e.Message);
            return false;
        }
    }

    private static List<Kind> ReadKinds(string file)
    {
        var kinds = new List<Kind>();
        foreach (List<string> a in Rows(file, "IG_KIND", 8))
        {
            var k = new Kind
            {
                Enum = a[0], Ident = a[1], Name = Literal(a[2], file), Id = Number(a[3], file), Default = Number(a[4], file),
                Page = Literal(a[5], file), What = Literal(a[6], file), Note = Literal(a[7], file),
            };
            if (k.Id != kinds.Count + 1)
            {
                throw new FormatException($"{file}: kind {k.Name} has id {k.Id}; ids ascend from 1 without gaps");
            }

            if (k.Ident != k.Name.Replace('-', '_') || k.Enum != k.Ident.ToUpperInvariant())
            {
                throw new FormatException($"{file}: kind {k.Name}: ENUM and ident must be the kind string in upper and lower case with '_' for '-'");
            }

            kinds.Add(k);
        }

        return kinds;
    }

    // The options in the order the C side declares them: the IG_OPTION rows, and at `#include "ig_kinds.inc"` the
    // detect_<kind> rows that ig_options.inc's IG_KIND definition makes of each kind.
    private static List<Option> ReadOptions(string file, List<Kind> kinds)
    {
        var options = new List<Option>();
        string source = File.ReadAllText(file);
        int includeAt = source.IndexOf("#include \"ig_kinds.inc\"", StringComparison.Ordinal);
        if (includeAt < 0 || source.IndexOf("IG_OPTION(detect_##ident, IG_OT_BOOL, def, 0, 1, \"Report `\" name \"`\" note \".\")", StringComparison.Ordinal) < 0)
        {
            throw new FormatException($"{file}: the detect_<kind> rows (IG_KIND -> IG_OPTION(detect_##ident, ...) and #include \"ig_kinds.inc\") are not where the generator reads them");
        }

        foreach (List<string> a in Rows(file, "IG_OPTION", 6))
        {
            string type = a[1];
            var o = new Option { Name = a[0], Type = type, Min = Long(a[3], file), Max = Long(a[4], file), Description = Literal(a[5], file) };
            o.Default = type switch
            {
                "IG_OT_STR" => "",
                "IG_OT_FORMAT" => new[] { "text", "json", "sarif" }[Number(a[2], file)],
                "IG_OT_BOOL" or "IG_OT_INT" or "IG_OT_POW2" => Long(a[2], file).ToString(CultureInfo.InvariantCulture),
                _ => throw new FormatException($"{file}: option {o.Name} has unknown type {type}"),
            };
            options.Add(o);
        }

        foreach (Kind k in kinds)
        {
            options.Add(new Option
            {
                Name = "detect_" + k.Ident, Type = "IG_OT_BOOL", Default = k.Default.ToString(CultureInfo.InvariantCulture),
                Min = 0, Max = 1, Description = "Report `" + k.Name + "`" + k.Note + ".",
            });
        }

        return options;
    }

    private static string Write(List<Kind> kinds, List<Option> options)
    {
        var sb = new StringBuilder();
        sb.Append("// <auto-generated/> ContractTables.g.cs: the kinds and options of native/include/ig_kinds.inc and native/src/ig_options.inc\n");
        sb.Append("// in C#, written by src/InteropGuard/Contracts/GenerateContractTables.targets; edit those tables, not this file.\n");
        sb.Append("#nullable enable\n\nnamespace InteropGuard\n{\n");

        sb.Append("/// <summary>The kind of a violation. The numeric value is the report id (<c>IG0001</c> = 1) and equals <c>ig_kind_t</c>.</summary>\n");
        sb.Append("public enum ViolationKind\n{\n    /// <summary>No violation.</summary>\n    None = 0,\n");
        foreach (Kind k in kinds)
        {
            sb.Append("    /// <summary><c>").Append(Xml(k.Name)).Append("</c>: ").Append(Xml(k.What)).Append(".</summary>\n");
            sb.Append("    ").Append(Pascal(k.Ident)).Append(" = ").Append(k.Id).Append(",\n");
        }

        sb.Append("}\n\n");
        sb.Append("/// <summary>The columns of ig_kinds.inc, indexed by <see cref=\"ViolationKind\"/>; index 0 is <see cref=\"ViolationKind.None\"/>.</summary>\n");
        sb.Append("internal static class KindTable\n{\n");
        sb.Append("    /// <summary>The number of kinds including None (<c>IG_KIND_COUNT</c>).</summary>\n");
        sb.Append("    public const int Count = ").Append(kinds.Count + 1).Append(";\n\n");
        sb.Append("    /// <summary>The kind strings; \"none\" for None.</summary>\n    public static readonly string[] Names =\n    [\n        \"none\",\n");
        foreach (Kind k in kinds)
        {
            sb.Append("        ").Append(Quote(k.Name)).Append(",\n");
        }

        sb.Append("    ];\n\n    /// <summary>The page of each kind under the repository root; empty for None.</summary>\n    public static readonly string[] DocPages =\n    [\n        \"\",\n");
        foreach (Kind k in kinds)
        {
            sb.Append("        ").Append(Quote(k.Page)).Append(",\n");
        }

        sb.Append("    ];\n}\n}\n\n");
        sb.Append("namespace InteropGuard.Options\n{\n");
        sb.Append("/// <summary>The options of ig_options.inc in its order; the constants are their indices.</summary>\n");
        sb.Append("internal static partial class OptionTable\n{\n");
        int firstDetect = -1;
        for (int i = 0; i < options.Count; i++)
        {
            if (options[i].Name.StartsWith("detect_", StringComparison.Ordinal))
            {
                firstDetect = firstDetect < 0 ? i : firstDetect;
                continue;
            }

            sb.Append("    /// <summary>Index of <c>").Append(options[i].Name).Append("</c>.</summary>\n");
            sb.Append("    public const int ").Append(Pascal(options[i].Name)).Append(" = ").Append(i).Append(";\n\n");
        }

        sb.Append("    /// <summary>Index of the first <c>detect_</c> option; <c>detect_</c> of kind k is at FirstDetect + k - 1.</summary>\n");
        sb.Append("    public const int FirstDetect = ").Append(firstDetect).Append(";\n\n");
        sb.Append("    /// <summary>Every option: name, default, description (Markdown), type and bounds.</summary>\n");
        sb.Append("    public static readonly OptionDefinition[] All =\n    [\n");
        foreach (Option o in options)
        {
            string type = o.Type switch
            {
                "IG_OT_BOOL" => "OptionType.Bool",
                "IG_OT_STR" => "OptionType.Text",
                "IG_OT_FORMAT" => "OptionType.Format",
                _ => "OptionType.Int",
            };
            sb.Append("        new(").Append(Quote(o.Name)).Append(", ").Append(Quote(o.Default)).Append(", ").Append(Quote(o.Description))
              .Append(", ").Append(type).Append(", ").Append(o.Min.ToString(CultureInfo.InvariantCulture)).Append("L, ")
              .Append(o.Max.ToString(CultureInfo.InvariantCulture)).Append("L, ").Append(o.Type == "IG_OT_POW2" ? "true" : "false").Append("),\n");
        }

        sb.Append("    ];\n}\n}\n");
        return sb.ToString();
    }

    // The argument lists of every `macro(` outside preprocessor lines and comments, split at top-level commas.
    private static List<List<string>> Rows(string file, string macro, int arity)
    {
        string text = WithoutCommentsAndDirectives(File.ReadAllText(file));
        var rows = new List<List<string>>();
        int at = 0;
        while ((at = text.IndexOf(macro + "(", at, StringComparison.Ordinal)) >= 0)
        {
            if (at > 0 && (char.IsLetterOrDigit(text[at - 1]) || text[at - 1] == '_'))
            {
                at += macro.Length;
                continue;
            }

            var args = new List<string>();
            var current = new StringBuilder();
            int depth = 0;
            bool inString = false;
            int i = at + macro.Length + 1;
            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (inString)
                {
                    current.Append(c);
                    if (c == '\\' && i + 1 < text.Length)
                    {
                        current.Append(text[++i]);
                    }
                    else if (c == '"')
                    {
                        inString = false;
                    }

                    continue;
                }

                if (c == '"') { inString = true; current.Append(c); continue; }
                if (c == '(') { depth++; }
                if (c == ')' && depth-- == 0) { break; }
                if (c == ',' && depth == 0) { args.Add(current.ToString().Trim()); current.Clear(); continue; }
                current.Append(c);
            }

            args.Add(current.ToString().Trim());
            if (args.Count != arity)
            {
                throw new FormatException($"{file}: {macro}({(args.Count > 0 ? args[0] : "")}, ...) has {args.Count} columns, expected {arity}");
            }

            rows.Add(args);
            at = i;
        }

        if (rows.Count == 0)
        {
            throw new FormatException($"{file}: no {macro} rows");
        }

        return rows;
    }

    private static string WithoutCommentsAndDirectives(string text)
    {
        var sb = new StringBuilder();
        bool inString = false, directive = false, lineStart = true;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (directive)
            {
                if (c == '\\' && i + 1 < text.Length && text[i + 1] == '\n') { i++; continue; }
                if (c == '\n') { directive = false; lineStart = true; sb.Append('\n'); }
                continue;
            }

            if (!inString && c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 1;
                sb.Append(' ');
                continue;
            }

            if (!inString && lineStart && c == '#') { directive = true; continue; }
            if (c == '"' && (i == 0 || text[i - 1] != '\\')) { inString = !inString; }
            if (c == '\n') { lineStart = true; }
            else if (!char.IsWhiteSpace(c)) { lineStart = false; }
            sb.Append(c);
        }

        return sb.ToString();
    }

    // Adjacent C string literals ("a" "b"), concatenated; \" and \\ unescaped.
    private static string Literal(string arg, string file)
    {
        var sb = new StringBuilder();
        int i = 0;
        while (i < arg.Length)
        {
            if (char.IsWhiteSpace(arg[i])) { i++; continue; }
            if (arg[i] != '"') { throw new FormatException($"{file}: expected a string literal, found {arg}"); }
            for (i++; i < arg.Length && arg[i] != '"'; i++)
            {
                if (arg[i] == '\\' && i + 1 < arg.Length)
                {
                    i++;
                    if (arg[i] != '"' && arg[i] != '\\') { throw new FormatException($"{file}: escape \\{arg[i]} is not supported in {arg}"); }
                }

                sb.Append(arg[i]);
            }

            i++;
        }

        return sb.ToString();
    }

    private static int Number(string arg, string file) =>
        int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : throw new FormatException($"{file}: '{arg}' is not a small decimal number");

    private static long Long(string arg, string file) =>
        long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : throw new FormatException($"{file}: '{arg}' is not a decimal number");

    private static string Pascal(string ident)
    {
        var sb = new StringBuilder();
        foreach (string part in ident.Split('_'))
        {
            if (part.Length > 0)
            {
                sb.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
            }
        }

        return sb.ToString();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Xml(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
