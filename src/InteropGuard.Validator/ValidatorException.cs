// ValidatorException.cs: a failure that stops the validator (attach refused, target gone, no or bad table), with a message saying the fix.
using System;

namespace InteropGuard.Validator;

/// <summary>Why the validator cannot go on.</summary>
public enum ValidatorErrorKind
{
    /// <summary>ptrace refused the attach (EPERM): Yama, another debugger, or missing CAP_SYS_PTRACE.</summary>
    AttachRefused,

    /// <summary>The target process does not exist (any more) or is not a .NET process.</summary>
    TargetUnavailable,

    /// <summary>No shadow table: libinteropguard.so is not loaded or exports no table.</summary>
    TableNotFound,

    /// <summary>The table address does not hold a table this validator understands (bad magic, version, sizes, unreadable).</summary>
    TableInvalid,
}

/// <summary>A fatal validator error; <see cref="Exception.Message"/> says what to do. Everything recoverable (a torn
/// record, a GC in progress, an unreadable block) is handled inside a sweep instead.</summary>
public sealed class ValidatorException : Exception
{
    internal ValidatorException(ValidatorErrorKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public ValidatorErrorKind Kind { get; }
}
