// DiagnosticIds.cs: the ids of the IG1xxx build diagnostics: analyzers IG1001-IG1099, the interceptor generator IG1101-IG1199 (runtime checks own IG0001-IG0999).
namespace InteropGuard.Generators.Analyzers;

/// <summary>Ids of the analyzer diagnostics. Stable: users suppress and configure them by id.</summary>
internal static class DiagnosticIds
{
    /// <summary>A pointer from a pin is stored or returned so it outlives the pin.</summary>
    public const string PointerOutlivesPin = "IG1001";

    /// <summary>The address of movable managed memory reaches native code without a pin.</summary>
    public const string UnpinnedAddressToNative = "IG1002";

    /// <summary>A delegate handed to native code that keeps it is not kept alive.</summary>
    public const string DelegateNotKeptAlive = "IG1003";

    /// <summary>A GCHandle from GCHandle.Alloc is not freed on every path.</summary>
    public const string GCHandleNotFreed = "IG1004";

    /// <summary>A GCHandle local is freed twice on some path.</summary>
    public const string GCHandleFreedTwice = "IG1005";

    /// <summary>A raw handle from SafeHandle.DangerousGetHandle reaches native code while its owner may be released.</summary>
    public const string DangerousHandleNotKeptAlive = "IG1006";

    /// <summary>An array returned to an ArrayPool is used afterwards.</summary>
    public const string PooledArrayUseAfterReturn = "IG1007";

    /// <summary>Interceptor generator: a P/Invoke call site is not checked because its signature names a type the
    /// generated wrapper cannot name (a private or protected nested type).</summary>
    public const string CallSiteTypeNotNameable = "IG1101";

    /// <summary>Interceptor generator: arrays, spans and UTF-16 strings passed to P/Invokes are not recorded because the
    /// project does not allow unsafe code.</summary>
    public const string PinsNeedUnsafeCode = "IG1102";

    /// <summary>Interceptor generator: a P/Invoke call site cannot be intercepted at all (generic declaring type, ref
    /// return, local extern function, private P/Invoke before .NET 10).</summary>
    public const string CallSiteNotInterceptable = "IG1103";
}
