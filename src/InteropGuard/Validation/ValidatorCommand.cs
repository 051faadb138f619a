// ValidatorCommand.cs: how to start the validator (program, leading arguments, text for messages); found by ValidatorLocator at mode-2 start-up.
using System.Collections.Generic;

namespace InteropGuard.Validation;

/// <summary>A validator launch command: <see cref="FileName"/> <see cref="LeadingArguments"/> <c>serve --pid .. --table ..</c>.</summary>
/// <param name="FileName">The program: the dotnet host for a <c>.dll</c>, else the executable itself.</param>
/// <param name="LeadingArguments">Arguments before <c>serve</c> (the <c>.dll</c> path for dotnet), possibly empty.</param>
/// <param name="Shown">The command as messages show it.</param>
internal sealed record ValidatorCommand(string FileName, IReadOnlyList<string> LeadingArguments, string Shown);
