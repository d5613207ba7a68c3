using Research.RunFormat;

namespace Research.Cli;

/// <summary>
/// Checks of path flags before any work starts, without side
/// effects: each failure is a <see cref="UsageException"/>
/// naming the flag, the path and what is allowed (exit 2).
/// </summary>
public static class CliPaths
{
    /// <summary>A directory that exists or can be created, and that
    /// this user can write into; returns its full path.</summary>
    public static string OutputDirectory(string flag, string path)
    {
        string full = Full(flag, path, "a directory path");
        if (File.Exists(full))
            throw new UsageException(flag, path, "a directory; this path is an existing file (choose another path)");
        RequireWritable(flag, path, NearestExisting(flag, path, full), "a directory this user can create and write into");
        return full;
    }

    /// <summary>A file path in an existing directory that this user
    /// can write into (an existing file is replaced).</summary>
    public static string OutputFile(string flag, string path)
    {
        string full = Full(flag, path, "a file path");
        if (Directory.Exists(full))
            throw new UsageException(flag, path, "a file path; this path is an existing directory");
        string? parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent))
            throw new UsageException(flag, path, "a path in an existing directory");
        if (File.Exists(full) && !IsRegularFile(full))
            throw new UsageException(flag, path, "a regular file path; this one is a special file");
        RequireWritable(flag, path, parent, "a file in a directory this user can write into");
        return full;
    }

    /// <summary>An existing, readable regular file; returns its full path.</summary>
    public static string InputFile(string flag, string path, string what)
    {
        string full = Existing(flag, path, what, directory: false);
        if (!IsRegularFile(full))
            throw new UsageException(flag, path, $"{what}; this one is a special file");
        try
        {
            using var _ = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException(flag, path, $"{what} this user can read ({e.Message.TrimEnd('.')})");
        }
        return full;
    }

    /// <summary>An existing run directory written by <c>prox train</c> (it has
    /// <see cref="RunLayout.ConfigFile"/>); <paramref name="hint"/> follows the error for a directory
    /// without it.
    /// </summary>
    public static void RunDirectory(string flag, string dir, string hint = "")
    {
        const string what = "a run directory written by prox train (with " + RunLayout.ConfigFile + ")";
        InputDirectory(flag, dir, what);
        if (!File.Exists(Path.Combine(dir, RunLayout.ConfigFile)))
            throw new UsageException(flag, dir, $"{what}; this one has no {RunLayout.ConfigFile}{hint}");
    }

    /// <summary>An existing directory; returns its full path.</summary>
    public static string InputDirectory(string flag, string path, string what) =>
        Existing(flag, path, what, directory: true);

    /// <summary>The full path of an existing directory (or file): a path of
    /// the other kind, or none, is an error.</summary>
    static string Existing(string flag, string path, string what, bool directory)
    {
        string full = Full(flag, path, what);
        (string kind, string other) = directory ? ("directory", "file") : ("file", "directory");
        if (directory ? File.Exists(full) : Directory.Exists(full))
            throw new UsageException(flag, path, $"{what}; this path is a {other}");
        if (!(directory ? Directory.Exists(full) : File.Exists(full)))
            throw new UsageException(flag, path, $"{what}; no such {kind}");
        return full;
    }

    static string Full(string flag, string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException(flag, path, $"{what} (not empty)");
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new UsageException(flag, path, $"{what} ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The deepest existing directory on the way to
    /// <paramref name="full"/>; a file on the way is an error.</summary>
    static string NearestExisting(string flag, string path, string full)
    {
        for (string? dir = full; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) return dir;
            if (File.Exists(dir))
                throw new UsageException(flag, path, $"a directory path; {dir} on the way is a file");
        }
        throw new UsageException(flag, path, "a path below an existing directory");
    }

    /// <summary>Creates and deletes a probe file in <paramref name="dir"/>.</summary>
    static void RequireWritable(string flag, string path, string dir, string what)
    {
        string probe = Path.Combine(dir, $".prox-write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using var _ = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string why = e is UnauthorizedAccessException ? "permission denied" : CliRunner.IsDiskFull(e) ? "the disk is full" : "it takes no new files";
            throw new UsageException(flag, path, $"{what}; {dir} is not writable ({why})");
        }
    }

    /// <summary>Not a device or a kernel file (/proc, /sys, /dev:
    /// their sizes and writes do not behave like files).</summary>
    static bool IsRegularFile(string full)
    {
        var info = new FileInfo(full);
        string target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? info.FullName;
        if (info.Attributes.HasFlag(FileAttributes.Device)) return false;
        return OperatingSystem.IsWindows() || !(target.StartsWith("/proc/", StringComparison.Ordinal)
            || target.StartsWith("/sys/", StringComparison.Ordinal) || target.StartsWith("/dev/", StringComparison.Ordinal));
    }
}
