using System.Runtime.InteropServices;

namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// Finds and opens the Arcade Learning Environment's C library (docs/atari.md, "Plugging in the ALE").
/// Where it looks, in order: an explicit path (<see cref="AtariOptions.AleLibrary"/>), else the
/// <c>ALE_LIBRARY</c> environment variable, else the platform's file name (<c>libale_c.so</c>) on the
/// loader's search path (<c>LD_LIBRARY_PATH</c>, the system library directories).
/// </summary>
public static class AleLibrary
{
    /// <summary>The environment variable holding the library's path.</summary>
    public const string EnvironmentVariable = "ALE_LIBRARY";

    /// <summary>The library's file name on this platform: <c>libale_c.so</c>, <c>libale_c.dylib</c> or <c>ale_c.dll</c>.</summary>
    public static string FileName =>
        OperatingSystem.IsWindows() ? "ale_c.dll" : OperatingSystem.IsMacOS() ? "libale_c.dylib" : "libale_c.so";

    /// <summary>Where the library would be looked for, and why: (path or name, source).</summary>
    public static (string Path, string Source) Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return (explicitPath, "AtariOptions.AleLibrary");
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return (fromEnvironment, $"the {EnvironmentVariable} environment variable");
        return (FileName, $"the loader's search path (LD_LIBRARY_PATH and the system library directories; {EnvironmentVariable} is not set)");
    }

    /// <summary>Opens the library (see the class summary for where it is looked for).</summary>
    /// <exception cref="DllNotFoundException">It could not be opened: the message says what was looked for, where, and how to get it.</exception>
    public static (nint Handle, string Path) Load(string? explicitPath = null)
    {
        var (path, source) = Resolve(explicitPath);
        try
        {
            return (NativeLibrary.Load(path), path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new DllNotFoundException(
                $"Atari needs the Arcade Learning Environment's C library, which is not part of this project. " +
                $"Looked for '{path}' (from {source}); it could not be loaded: {e.Message} " +
                $"Build the ALE with its C interface ({FileName}, ALE 0.6.x with CMake) or take {FileName} from an ALE " +
                $"distribution you have, then set {EnvironmentVariable}=/path/to/{FileName}. ROMs are not shipped either. " +
                "See docs/atari.md, \"Plugging in the ALE\".", e);
        }
    }
}
