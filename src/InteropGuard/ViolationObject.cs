// ViolationObject.cs: the managed object a validator finding's pointer points into; data only, reports format it.
namespace InteropGuard;

/// <summary>The managed object a pointer found by the validator points into (type, address, size, offset). Only
/// violations found by the validator (mode 2) have one; a dangling pointer has none (no live object is there).</summary>
public sealed class ViolationObject
{
    internal ViolationObject(nint address, string? typeName, nint size, nint offset)
    {
        Address = address;
        TypeName = typeName;
        Size = size;
        Offset = offset;
    }

    /// <summary>The object's address (its method-table pointer, as the GC sees it); 0 when unknown.</summary>
    public nint Address { get; }

    /// <summary>The object's type, e.g. <c>System.Byte[]</c>; null when unknown.</summary>
    public string? TypeName { get; }

    /// <summary>The object's size in bytes; 0 when unknown.</summary>
    public nint Size { get; }

    /// <summary>How far into the object the pointer points, in bytes.</summary>
    public nint Offset { get; }
}
