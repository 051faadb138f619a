// ValidatorLocatorTests.cs - where the validator is looked for and how it is launched (docs/design/validator-protocol.md, Launch).
using System;
using System.Collections.Generic;
using System.IO;
using InteropGuard.Validation;
using NUnit.Framework;

namespace InteropGuard.Tests.Validation;

public sealed class ValidatorLocatorTests
{
    [Test]
    public void ValidatorPath_Dll_RunsWithTheDotnetHost()
    {
        string dll = Path.Combine(Path.GetTempPath(), "ig-locator-" + Guid.NewGuid().ToString("N") + ".dll");
        File.WriteAllText(dll, "");
        try
        {
            var looked = new List<string>();
            ValidatorCommand? command = ValidatorLocator.Find(dll, looked);

            Assert.That(command, Is.Not.Null);
            Assert.That(Path.GetFileNameWithoutExtension(command!.FileName), Is.EqualTo("dotnet"));
            Assert.That(command.LeadingArguments, Is.EqualTo(new[] { dll }));
            Assert.That(ValidatorProcess.Arguments(command, 31, (nint)0x1000), Is.EqualTo(new[] { dll, "serve", "--pid", "31", "--table", "0x1000" }));
        }
        finally
        {
            File.Delete(dll);
        }
    }

    [Test]
    public void ValidatorPath_Executable_RunsItself()
    {
        using var fake = FakeValidator.With();

        ValidatorCommand? command = ValidatorLocator.Find(fake.Script, []);

        Assert.That(command!.FileName, Is.EqualTo(fake.Script));
        Assert.That(command.LeadingArguments, Is.Empty);
        Assert.That(ValidatorProcess.Arguments(command, 31, (nint)0xabc), Is.EqualTo(new[] { "serve", "--pid", "31", "--table", "0xabc" }));
    }

    [Test]
    public void ValidatorPath_Missing_IsNotReplacedByTheSearch()
    {
        var looked = new List<string>();

        ValidatorCommand? command = ValidatorLocator.Find("/no/such/InteropGuard.Cli.dll", looked);

        Assert.That(command, Is.Null);
        Assert.That(looked, Is.EqualTo(new[] { "validator_path '/no/such/InteropGuard.Cli.dll'" }));
    }

    [Test]
    public void NoValidatorPath_LooksNextToTheAssemblyTheAppAndItsInteropGuardFolder_ThenOnPath()
    {
        var looked = new List<string>();

        ValidatorLocator.Find(null, looked);

        Assert.That(looked[0], Is.EqualTo(Path.Combine(Path.GetDirectoryName(typeof(Guard).Assembly.Location)!, "InteropGuard.Cli.dll")));
        Assert.That(looked[^1], Is.EqualTo("interopguard on PATH"));
        Assert.That(looked, Does.Contain(Path.Combine(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), "interopguard", "InteropGuard.Cli.dll")),
            "the folder the package's build targets copy the validator into");
        Assert.That(looked, Has.Count.InRange(3, 4));
    }
}
