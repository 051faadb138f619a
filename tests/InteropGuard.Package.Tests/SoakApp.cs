// SoakApp.cs: the stress test's consumer app (ConsumerApp/Soak.cs), built once per test run from the packed package, and
// how long it runs (INTEROPGUARD_SOAK_SECONDS, for the nightly-length form).
using System;
using System.Globalization;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

/// <summary>The soak app in Debug with only the package reference, shared by <see cref="SoakTests"/> and
/// <see cref="ValidatorFaultTests"/>; deleted when the run ends.</summary>
internal static class SoakApp
{
    /// <summary>The variable that sets how long each soak run lasts, in seconds (default <see cref="DefaultSeconds"/>).</summary>
    public const string SecondsVariable = "INTEROPGUARD_SOAK_SECONDS";

    /// <summary>Seconds per soak run in CI: two runs (mode 1, mode 2) and the build stay within two minutes.</summary>
    public const double DefaultSeconds = 20;

    private static readonly Lazy<ConsumerBuild> s_build = new(BuildOnce);

    /// <summary>The built app (built on first use; Assert.Fail when the package or the build is missing).</summary>
    public static ConsumerBuild Build => s_build.Value;

    /// <summary>Seconds per soak run: <see cref="SecondsVariable"/> when set to a positive number, else the default.</summary>
    public static double Seconds =>
        double.TryParse(Environment.GetEnvironmentVariable(SecondsVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0
            ? s
            : DefaultSeconds;

    /// <summary>The limit for one run of <paramref name="seconds"/>: generous, it only stops a hung app from hanging the suite.</summary>
    public static TimeSpan Timeout(double seconds) => TimeSpan.FromSeconds(seconds * 2 + 120);

    /// <summary>The app's summary line ("soak: 8 threads, ... reports"), or the whole output when it has none.</summary>
    public static string Summary(string output) =>
        Regex.Match(output, "^soak: \\d+ threads.*$", RegexOptions.Multiline) is { Success: true } m ? m.Value : output;

    /// <summary>Deletes the build (called once at the end of the run).</summary>
    public static void Delete()
    {
        if (s_build.IsValueCreated)
        {
            s_build.Value.Delete();
        }
    }

    private static ConsumerBuild BuildOnce()
    {
        string package = ConsumerBuild.FindPackage()
            ?? throw new InvalidOperationException("No InteropGuard package in artifacts/packages: run `dotnet cake --target=Pack` (the Test target does it first).");
        ConsumerBuild app = ConsumerBuild.Create(package, "Soak.cs");
        (int exit, string output) = app.Build("Debug");
        if (exit != 0)
        {
            app.Delete();
            Assert.Fail("the soak app did not build:\n" + output);
        }

        return app;
    }
}
