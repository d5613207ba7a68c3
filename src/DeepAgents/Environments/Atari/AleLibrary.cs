using System.Runtime.InteropServices;

namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// Finds and opens the toolkit's ALE shim, <c>libprox_ale.so</c>, built by <c>bash native/ale/build.sh</c>
/// (docs/atari.md, "Building the shim"). Where it looks, in order: an explicit path
/// (<see cref="AtariOptions.AleLibrary"/>), the <c>ALE_LIBRARY</c> environment variable, then
/// <c>native/ale/out/libprox_ale.so</c> in the first ancestor of the application's directory or of the
/// current directory that has one. Never the loader's search path (no stray library is picked up).
/// </summary>
public static class AleLibrary
{
    /// <summary>The environment variable holding the library's path.</summary>
    public const string EnvironmentVariable = "ALE_LIBRARY";

    /// <summary>The library's file name.</summary>
    public const string FileName = "libprox_ale.so";

    /// <summary>Where build.sh puts the library, relative to the repository root.</summary>
    public static readonly string DefaultRelativePath = Path.Combine("native", "ale", "out", FileName);

    /// <summary>The command that builds the library.</summary>
    public const string BuildCommand = "bash native/ale/build.sh";

    /// <summary>The <c>PROX_ALE_ABI</c> this binding speaks.</summary>
    public const int Abi = 1;

    /// <summary>Where the library would be looked for, and why: (path, source).</summary>
    public static (string Path, string Source) Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return (explicitPath, "AtariOptions.AleLibrary");
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return (fromEnvironment, $"the {EnvironmentVariable} environment variable");
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, DefaultRelativePath);
                if (File.Exists(candidate)) return (candidate, "the default location");
            }
        return (DefaultRelativePath, $"the default location ({DefaultRelativePath} above {AppContext.BaseDirectory} or the current directory; {EnvironmentVariable} is not set)");
    }

    /// <summary>Opens the library (see the class summary for
    /// where it is looked for) and checks its ABI.</summary>
    /// <exception cref="DllNotFoundException">It could not be opened, or is not the shim: the message says
    /// what was looked for and the build command.</exception>
    public static (nint Handle, string Path) Load(string? explicitPath = null)
    {
        var (path, source) = Resolve(explicitPath);
        nint handle;
        try
        {
            handle = NativeLibrary.Load(Path.GetFullPath(path));
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new DllNotFoundException(
                $"Atari needs the toolkit's ALE shim ({FileName}). Looked for '{path}' (from {source}); it could not be loaded: " +
                $"{FirstLine(e.Message)} Build it with `{BuildCommand}` (needs cmake, ninja, g++ and zlib1g-dev; it prints the " +
                $"library's path) or set {EnvironmentVariable}=/path/to/{FileName}. See docs/atari.md, \"Building the shim\".", e);
        }
        if (!NativeLibrary.TryGetExport(handle, "prox_ale_abi", out nint abiExport))
        {
            NativeLibrary.Free(handle);
            throw new DllNotFoundException(
                $"'{path}' (from {source}) is not the toolkit's ALE shim: it has no prox_ale_abi. Build {FileName} with `{BuildCommand}`.");
        }
        int abi;
        unsafe { abi = ((delegate* unmanaged[Cdecl]<int>)abiExport)(); }
        if (abi != Abi)
        {
            NativeLibrary.Free(handle);
            throw new DllNotFoundException(
                $"'{path}' (from {source}) speaks prox_ale ABI {abi}; this toolkit needs {Abi}. Rebuild it with `{BuildCommand}`.");
        }
        return (handle, path);
    }

    static string FirstLine(string message)
    {
        // .NET lists every probed path; the cause (e.g. "cannot
        // open shared object file") is in the first lines.
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "" : string.Join(" ", lines.Take(2)).TrimEnd('.') + ".";
    }
}
