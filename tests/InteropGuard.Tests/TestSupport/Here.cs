// Here.cs - the caller's source line and file, so a test can name the line a report must point at by
// calling Here.Line() on the same line as the guarded call.
using System.IO;
using System.Runtime.CompilerServices;

namespace InteropGuard.Tests.TestSupport;

internal static class Here
{
    /// <summary>The line this call is written on.</summary>
    internal static int Line([CallerLineNumber] int line = 0) => line;

    /// <summary>The full path of the file this call is written in.</summary>
    internal static string File([CallerFilePath] string file = "") => file;

    /// <summary>The file name (no directory) of the file this call is written in.</summary>
    internal static string FileName([CallerFilePath] string file = "") => Path.GetFileName(file);
}
