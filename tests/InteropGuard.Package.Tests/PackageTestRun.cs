// PackageTestRun.cs: what runs once around all package tests: deleting the shared soak app build at the end.
using NUnit.Framework;

namespace InteropGuard.Package.Tests;

/// <summary>Run-wide tear-down of this assembly's tests.</summary>
[SetUpFixture]
public sealed class PackageTestRun
{
    /// <summary>Deletes the soak app's temp folder if a test built it.</summary>
    [OneTimeTearDown]
    public void DeleteSharedBuilds() => SoakApp.Delete();
}
