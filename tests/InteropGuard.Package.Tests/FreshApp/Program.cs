// The Program.cs of a fresh `dotnet new console` app (top-level statements, no project edits): plain [DllImport] and
// NativeLibrary calls into a C library that keeps the pointer it was given in a static. The first argument picks the
// scenario; no InteropGuard code.
using System.Runtime.InteropServices;

byte[] rows = new byte[64];
Holder.Rows = rows;
switch (args[0])
{
    case "retained":
        Native.Keep(rows);                                   // BUG: the library keeps a pointer into rows
        break;
    case "retained-pinned":
        GCHandle pin = GCHandle.Alloc(rows, GCHandleType.Pinned);
        Native.Keep(rows);                                   // the pinned handle keeps rows in place while the library holds it
        Native.Keep(null);
        pin.Free();
        break;
    case "function-pointer":
        nint library = NativeLibrary.Load("libigsample.so");
        var keep = Marshal.GetDelegateForFunctionPointer<KeepFunction>(NativeLibrary.GetExport(library, "sample_keep"));
        keep(rows);                                          // BUG: through a function pointer, no [DllImport] at all
        break;
}

Console.WriteLine("done");

internal delegate void KeepFunction(byte[]? data);

internal static class Holder
{
    public static byte[]? Rows;
}

internal static class Native
{
    [DllImport("igsample", EntryPoint = "sample_keep")]
    public static extern void Keep(byte[]? data);
}
