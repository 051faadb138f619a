// ScratchDirectoryFixture.cs: a base for fixtures whose tests each need a fresh temporary directory (report files, programs' output).
using System;
using System.IO;
using NUnit.Framework;

namespace InteropGuard.Validator.Tests.TestSupport;

/// <summary>Gives each test an empty directory of its own, <see cref="Dir"/>, deleted after the test (left to the OS
/// when something still holds it).</summary>
public abstract class ScratchDirectoryFixture
{
    private readonly string _prefix;

    /// <summary>Names the directories <paramref name="prefix"/> followed by a GUID.</summary>
    protected ScratchDirectoryFixture(string prefix) => _prefix = prefix;

    /// <summary>This test's directory.</summary>
    protected string Dir { get; private set; } = "";

    /// <summary>Creates <see cref="Dir"/>.</summary>
    [SetUp]
    public void CreateDirectory()
    {
        Dir = Path.Combine(Path.GetTempPath(), _prefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Dir);
    }

    /// <summary>Deletes <see cref="Dir"/>.</summary>
    [TearDown]
    public void DeleteDirectory()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS
        }
    }
}
