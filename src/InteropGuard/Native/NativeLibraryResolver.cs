// NativeLibraryResolver.cs: finds and loads libinteropguard in the documented order and answers the assembly's DllImport resolver.
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace InteropGuard.Native;

/// <summary>Loads libinteropguard. Search order (docs/design/managed-api.md): 1. <c>INTEROPGUARD_NATIVE_LIB</c>,
/// 2. the directory of InteropGuard.dll, 3. its <c>runtimes/&lt;rid&gt;/native/</c>, 4. <c>AppContext.BaseDirectory</c>
/// and its <c>runtimes/&lt;rid&gt;/native/</c>, 5. the OS default search.</summary>
internal static class NativeLibraryResolver
{
    private static nint s_handle;

    /// <summary>The path that was loaded; null when nothing was.</summary>
    public static string? LoadedPath { get; private set; }

    /// <summary>The file name of the library on this OS.</summary>
    public static string FileName =>
        OperatingSystem.IsWindows() ? "interopguard.dll" : OperatingSystem.IsMacOS() ? "libinteropguard.dylib" : "libinteropguard.so";

    /// <summary>The runtime identifier folder, e.g. <c>linux-x64</c>.</summary>
    public static string Rid
    {
        get
        {
            string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            return os + "-" + arch;
        }
    }

    /// <summary>The candidate paths in search order (the OS default search is the last, bare file name).</summary>
    public static List<string> Candidates()
    {
        var list = new List<string>();
        string? env = Environment.GetEnvironmentVariable("INTEROPGUARD_NATIVE_LIB");
        if (!string.IsNullOrWhiteSpace(env))
        {
            list.Add(env.Trim());
        }

        string runtimes = Path.Combine("runtimes", Rid, "native");
        string? assemblyDir = null;
        try
        {
#pragma warning disable IL3000 // single-file: Location is empty, handled below (AppContext.BaseDirectory is searched too)
            string location = typeof(NativeLibraryResolver).Assembly.Location;
#pragma warning restore IL3000
            assemblyDir = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
        }
        catch (NotSupportedException)
        {
            // Single-file or dynamic assembly: no location.
        }

        if (!string.IsNullOrEmpty(assemblyDir))
        {
            list.Add(Path.Combine(assemblyDir, FileName));
            list.Add(Path.Combine(assemblyDir, runtimes, FileName));
        }

        string baseDir = AppContext.BaseDirectory;
        if (!string.IsNullOrEmpty(baseDir))
        {
            Add(list, Path.Combine(baseDir, FileName));
            Add(list, Path.Combine(baseDir, runtimes, FileName));
        }

        list.Add(FileName);
        return list;
    }

    /// <summary>Loads the library once; on failure writes one warning listing every path tried and returns false.</summary>
    public static bool TryLoad(TextWriter warnings)
    {
        if (s_handle != 0)
        {
            return true;
        }

        List<string> candidates = Candidates();
        var errors = new List<string>();
        foreach (string path in candidates)
        {
            bool bare = !path.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (!bare && !File.Exists(path))
            {
                errors.Add("  " + path + " (not found)");
                continue;
            }

            if (NativeLibrary.TryLoad(path, out nint handle))
            {
                s_handle = handle;
                LoadedPath = bare ? path + " (OS search path)" : Path.GetFullPath(path);
                Install();
                return true;
            }

            errors.Add("  " + path + (bare ? " (OS default search: not found)" : " (exists but could not be loaded)"));
        }

        try
        {
            warnings.WriteLine("InteropGuard: warning: native library " + FileName + " not found; running UNGUARDED (Guard.IsEnabled = false). Paths tried:");
            foreach (string e in errors)
            {
                warnings.WriteLine(e);
            }

            warnings.WriteLine("InteropGuard: set INTEROPGUARD_NATIVE_LIB to the full path of " + FileName + ", or INTEROPGUARD=0 to silence this.");
        }
        catch (IOException)
        {
            // stderr gone: nothing more to say.
        }

        return false;
    }

    private static void Install()
    {
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set (e.g. by a host); the runtime's own probing must find the library then.
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        string.Equals(libraryName, IgNative.Library, StringComparison.Ordinal) ? s_handle : 0;

    private static void Add(List<string> list, string path)
    {
        foreach (string p in list)
        {
            if (string.Equals(Path.GetFullPath(p), Path.GetFullPath(path), StringComparison.Ordinal))
            {
                return;
            }
        }

        list.Add(path);
    }
}
