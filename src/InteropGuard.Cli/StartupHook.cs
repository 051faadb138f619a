// StartupHook.cs: the startup hook `interopguard run` puts in DOTNET_STARTUP_HOOKS: runs inside the program before Main and starts the InteropGuard runtime, loading it from this tool when the program was built without the package.
using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

/// <summary>The .NET startup hook (a type named <c>StartupHook</c> outside any namespace with a
/// <c>public static void Initialize()</c>), loaded into the program <c>interopguard run</c> starts. It touches only the
/// base library until it has decided which InteropGuard.dll to use: the program's own when the program references the
/// package (same version, no second copy), else the one next to this tool. Never throws: a failure is one warning and
/// the program runs on unchecked.</summary>
internal static class StartupHook
{
    private const string RuntimeAssembly = "InteropGuard";
    private const string StartupTypeName = "InteropGuard.Interception.GuardedStartup";
    private const string ModuleStartupTypeName = "InteropGuard.Generated.InteropGuardModuleStartup";
    private const string EntryPoint = "InitializeFromStartupHook";

    /// <summary>Called by the runtime before the program's Main.</summary>
    public static void Initialize()
    {
        try
        {
            Assembly runtime;
            if (OnTrustedPlatformList(RuntimeAssembly + ".dll"))
            {
                // The program references the package: an instrumented entry assembly starts the runtime in its own module
                // initializer (which knows what its build does not check); anything else is started from here.
                if (Assembly.GetEntryAssembly()?.GetType(ModuleStartupTypeName, throwOnError: false) is not null)
                {
                    return;
                }

                runtime = Assembly.Load(new AssemblyName(RuntimeAssembly));
            }
            else
            {
                string here = Path.GetDirectoryName(typeof(StartupHook).Assembly.Location) ?? "";
                runtime = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.Combine(here, RuntimeAssembly + ".dll"));
            }

            MethodInfo? start = runtime.GetType(StartupTypeName, throwOnError: false)?.GetMethod(EntryPoint, BindingFlags.Static | BindingFlags.NonPublic);
            if (start is null)
            {
                Console.Error.WriteLine($"InteropGuard: warning: {runtime.Location} has no start-up entry (an older InteropGuard?); the runtime starts at its first use instead.");
                return;
            }

            start.Invoke(null, null);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"InteropGuard: warning: the startup hook of interopguard run could not start the runtime ({e.GetType().Name}: {e.Message}); the program runs unchecked.");
        }
    }

    /// <summary>Whether the host put an assembly of this file name on the program's trusted platform list (its
    /// deps.json, or the shared framework).</summary>
    private static bool OnTrustedPlatformList(string fileName)
    {
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is not string list)
        {
            return false;
        }

        foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (string.Equals(Path.GetFileName(path), fileName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
