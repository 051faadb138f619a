// ConsumerFacts.cs: what the package tests read from a consumer app without running it: its assembly's references, types and methods, and lines of its sources.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

/// <summary>Metadata of a built consumer assembly and markers in the consumer sources (ConsumerApp/).</summary>
internal static class ConsumerFacts
{
    /// <summary>The 1-based line of the first line of ConsumerApp/<paramref name="source"/> containing <paramref name="marker"/>.</summary>
    public static int LineOf(string source, string marker)
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "ConsumerApp", source));
        int index = Array.FindIndex(lines, l => l.Contains(marker, StringComparison.Ordinal));
        Assert.That(index, Is.GreaterThanOrEqualTo(0), $"marker '{marker}' not in {source}");
        return index + 1;
    }

    /// <summary>The names of the assemblies <paramref name="assembly"/> references.</summary>
    public static List<string> References(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        MetadataReader md = pe.GetMetadataReader();
        return md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)).ToList();
    }

    /// <summary>Every type defined in <paramref name="assembly"/>, as Namespace.Name.</summary>
    public static List<string> TypeNames(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        MetadataReader md = pe.GetMetadataReader();
        return md.TypeDefinitions.Select(h => md.GetTypeDefinition(h))
            .Select(t => md.GetString(t.Namespace) + "." + md.GetString(t.Name)).ToList();
    }

    /// <summary>The methods of the types in namespace <paramref name="ns"/> of <paramref name="assembly"/>.</summary>
    public static List<string> MethodNames(string assembly, string ns)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        MetadataReader md = pe.GetMetadataReader();
        return md.TypeDefinitions.Select(h => md.GetTypeDefinition(h))
            .Where(t => md.GetString(t.Namespace) == ns)
            .SelectMany(t => t.GetMethods().Select(m => md.GetString(md.GetMethodDefinition(m).Name)))
            .ToList();
    }
}
