// InterceptionDiagnostics.cs: the build diagnostics of the interceptor generator (IG1101-IG1199): what it could not check at a P/Invoke call site, why, and what to change; reported by the generator's output stage.
using InteropGuard.Generators.Analyzers;
using Microsoft.CodeAnalysis;

namespace InteropGuard.Generators.Interception;

/// <summary>Every diagnostic of the interceptor generator. A call site the generator skips, or checks only in part,
/// is never skipped silently: one of these says what is not checked and how to get it checked. Messages say the
/// problem, the consequence and the way out (docs/design/generator.md, "What is not intercepted").</summary>
internal static class InterceptionDiagnostics
{
    private const string Help = "docs/design/generator.md";

    public static readonly DiagnosticDescriptor TypeNotNameable = Create(
        DiagnosticIds.CallSiteTypeNotNameable,
        "InteropGuard cannot check a P/Invoke call whose signature uses a private nested type",
        "This call of {0} is not checked by InteropGuard: its signature uses {1}, which generated code cannot name; its arguments reach native code unrecorded (no call-scoped pins, callback registration or pointer checks): {2}",
        "An interceptor must repeat the P/Invoke's parameter types exactly, and the generated interceptors live in their own "
        + "file-local class, where a private or protected nested type (a private delegate type for a qsort comparer is the "
        + "common case) cannot be named. Making the type internal keeps it invisible outside the assembly and lets the "
        + "call be checked. Suppress the warning with <NoWarn>IG1101</NoWarn> to accept an unchecked call.");

    public static readonly DiagnosticDescriptor PinsNeedUnsafe = Create(
        DiagnosticIds.PinsNeedUnsafeCode,
        "Arrays, spans and strings passed to P/Invokes are not recorded without unsafe code",
        "{0} call site(s), this one first ({1}), pass arrays, spans or UTF-16 strings that InteropGuard does not record, because the project does not allow unsafe code; native code that keeps such a pointer is not reported with the call that pinned it: set <AllowUnsafeBlocks>true</AllowUnsafeBlocks> (the InteropGuard package's targets do in the builds they instrument)",
        "The checked wrapper holds the memory the marshaller pins with a 'fixed' statement for the duration of the call and "
        + "records it as a call-scoped pin, so the validator can name the call whose argument native code kept. 'fixed' "
        + "needs unsafe code. Projects that reference the InteropGuard package get AllowUnsafeBlocks=true in instrumented "
        + "builds; this warning appears when the generator runs without those targets or the project turned it off.");

    public static readonly DiagnosticDescriptor NotInterceptable = Create(
        DiagnosticIds.CallSiteNotInterceptable,
        "InteropGuard cannot intercept a P/Invoke call",
        "This call of {0} is not checked by InteropGuard: {1}; its arguments reach native code unrecorded: {2}",
        "Interceptors replace a call of an ordinary static method by a generated method with the same signature. A P/Invoke "
        + "declared in a generic type, returning by reference, declared as a local function, or private while the target "
        + "framework has no UnsafeAccessorTypeAttribute (before .NET 10) cannot be replaced; this warning names the call "
        + "and what to change. Suppress it with <NoWarn>IG1103</NoWarn> to accept an unchecked call.");

    private static DiagnosticDescriptor Create(string id, string title, string message, string description) =>
        new(id, title, message, Descriptors.Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, description: description, helpLinkUri: Help);
}
