// RetainingNativeApis.cs: which P/Invoke parameters keep a callback after the call ([RetainedByNative] and a short built-in list); read by the IG1003 analyzer.
using System;
using System.Collections.Generic;
using InteropGuard.Generators.Analyzers.Support;
using Microsoft.CodeAnalysis;

namespace InteropGuard.Generators.Analyzers;

/// <summary>
/// Decides whether native code keeps a delegate parameter after the call returns. In order:
/// <list type="number">
/// <item>The parameter carries <c>InteropGuard.RetainedByNativeAttribute</c> (matched by full name, so a library may
/// declare its own copy).</item>
/// <item>The entry point is one of a few well-known registration APIs whose callback outlives the call by contract:
/// Win32 <c>SetConsoleCtrlHandler</c>, <c>SetWindowsHookEx(A/W)</c>, <c>SetWinEventHook</c>, <c>SetTimer</c>; C
/// <c>signal</c>, <c>atexit</c>, <c>pthread_create</c> (the start routine runs after the call returns); SQLite
/// <c>sqlite3_create_function(_v2)</c>, <c>sqlite3_busy_handler</c>, <c>sqlite3_progress_handler</c>.</item>
/// <item>The entry point follows the registration naming convention: it contains "set", "register" or "install" and
/// also "callback", "handler" or "hook" (<c>foo_set_log_callback</c>, <c>RegisterEventHandler</c>, <c>InstallHook</c>).</item>
/// </list>
/// Everything else is assumed to use the callback only during the call (like <c>qsort</c> or <c>EnumWindows</c>),
/// which the marshaller already keeps alive.
/// </summary>
internal static class RetainingNativeApis
{
    /// <summary>The full name users put on P/Invoke parameters.</summary>
    public const string AttributeName = "InteropGuard.RetainedByNativeAttribute";

    private static readonly HashSet<string> KnownEntryPoints = new(StringComparer.Ordinal)
    {
        "SetConsoleCtrlHandler", "SetWindowsHookEx", "SetWindowsHookExA", "SetWindowsHookExW", "SetWinEventHook", "SetTimer",
        "signal", "atexit", "pthread_create",
        "sqlite3_create_function", "sqlite3_create_function_v2", "sqlite3_busy_handler", "sqlite3_progress_handler",
    };

    private static readonly string[] RegistrationVerbs = { "set", "register", "install" };
    private static readonly string[] CallbackNouns = { "callback", "handler", "hook" };

    /// <summary>Why native code keeps the delegate passed as <paramref name="parameter"/> of <paramref name="pinvoke"/>
    /// (for the message), or null when it does not.</summary>
    public static string? WhyRetained(IMethodSymbol pinvoke, IParameterSymbol parameter)
    {
        foreach (var attribute in parameter.GetAttributes())
        {
            if (attribute.AttributeClass?.ToDisplayString() == AttributeName)
                return $"its parameter '{parameter.Name}' is marked [RetainedByNative]";
        }

        string entryPoint = NativeCalls.EntryPoint(pinvoke);
        if (KnownEntryPoints.Contains(entryPoint))
            return $"'{entryPoint}' keeps its callback after returning";
        if (FollowsRegistrationConvention(entryPoint) || FollowsRegistrationConvention(pinvoke.Name))
            return $"'{entryPoint}' is named like a registration function, which keeps its callback";
        return null;
    }

    private static bool FollowsRegistrationConvention(string name) =>
        ContainsAny(name, RegistrationVerbs) && ContainsAny(name, CallbackNouns);

    private static bool ContainsAny(string name, string[] words)
    {
        foreach (var word in words)
        {
            if (name.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0)
                return true;
        }

        return false;
    }
}
