namespace InteropGuard; /// <summary>x</summary>
public static class Guard { }
