using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Research.DeepAgents.Training;

/// <summary>
/// One process per run directory (docs/run-format.md, "Lock"): an exclusive OS lock (flock on Unix) on
/// <c>DIR/run.lock</c>, held until <see cref="Dispose"/> or the process ends, and the holder's pid, host and
/// start time in <c>DIR/run.lock.json</c> for the message a second process gets. A holder record left by a
/// process that ended without releasing (killed) is taken over; one naming a live process on this host is
/// respected even when the file system lost the OS lock.
/// </summary>
public sealed class RunDirectoryLock : IDisposable
{
    readonly FileStream _stream;
    readonly string _holderPath;
    bool _disposed;

    RunDirectoryLock(string directory, FileStream stream, string holderPath, string? takenOver)
    {
        Directory = directory;
        _stream = stream;
        _holderPath = holderPath;
        TakenOver = takenOver;
    }

    /// <summary>The locked directory (full path).</summary>
    public string Directory { get; }
    /// <summary>A sentence about the ended process whose lock was taken over, or null.</summary>
    public string? TakenOver { get; }

    /// <summary>The lock file of <paramref name="directory"/>.</summary>
    public static string LockPath(string directory) => Path.Combine(Path.GetFullPath(directory), "run.lock");

    /// <summary>
    /// Locks <paramref name="directory"/> (created if missing) for this process; throws
    /// <see cref="RunDirectoryLockedException"/> at once when another process holds it.
    /// </summary>
    public static RunDirectoryLock Acquire(string directory)
    {
        string root = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(root);
        string path = LockPath(root), holderPath = path + ".json";
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (IsSharingViolation(e))
        {
            throw new RunDirectoryLockedException(root, ReadHolder(holderPath));
        }
        try
        {
            var previous = ReadHolder(holderPath);
            string? takenOver = null;
            if (previous is not null)
            {
                if (previous.Host == Environment.MachineName && IsAlive(previous))
                    throw new RunDirectoryLockedException(root, previous);
                takenOver = $"took over the lock of {root} left by pid {previous.Pid} on {previous.Host} (since {previous.Since}), which has ended.";
            }
            var me = new LockHolder(Environment.ProcessId, Environment.MachineName, DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            AtomicFile.WriteAllText(holderPath, JsonSerializer.Serialize(me, RunDirectory.JsonOptions) + "\n");
            return new RunDirectoryLock(root, stream, holderPath, takenOver);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The recorded holder of <paramref name="directory"/>'s
    /// lock, or null (none, or unreadable).</summary>
    public static LockHolder? Holder(string directory) => ReadHolder(LockPath(directory) + ".json");

    static LockHolder? ReadHolder(string holderPath)
    {
        try
        {
            return File.Exists(holderPath) ? JsonSerializer.Deserialize<LockHolder>(File.ReadAllText(holderPath), RunDirectory.JsonOptions) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Whether the holder's pid runs on this host and started
    /// no later than the lock (else the pid was reused).</summary>
    static bool IsAlive(LockHolder holder)
    {
        // This process does not hold it (it just got the OS lock)
        if (holder.Pid == Environment.ProcessId) return false;
        try
        {
            using var process = Process.GetProcessById(holder.Pid);
            if (process.HasExited) return false;
            if (!DateTime.TryParse(holder.Since, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since)) return true;
            return process.StartTime.ToUniversalTime() <= since.ToUniversalTime().AddSeconds(2);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    // EWOULDBLOCK from flock on Unix (errno 11 Linux, 35 macOS);
    // ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION on Windows.
    static bool IsSharingViolation(IOException e) => e.HResult is 11 or 35 || (e.HResult & 0xFFFF) is 32 or 33;

    /// <summary>Removes the holder record and releases the OS lock
    /// (the lock file stays: deleting it would race).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { File.Delete(_holderPath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _stream.Dispose();
    }
}

/// <summary>Who holds a run directory's lock.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="Host">Host name.</param>
/// <param name="Since">UTC time the lock was taken (ISO 8601).</param>
public sealed record LockHolder(int Pid, string Host, string Since);

/// <summary>A run directory is locked by another process;
/// the message names its pid, host and since when.</summary>
public sealed class RunDirectoryLockedException(string directory, LockHolder? holder) : IOException(
    holder is null
        ? $"{directory} is in use by another prox process (it holds {RunDirectoryLock.LockPath(directory)}; its pid and host are not recorded yet). " +
          "Wait for it to finish or stop it: two processes must not write one run directory."
        : $"{directory} is in use by another prox process: pid {holder.Pid} on host {holder.Host}, since {holder.Since} " +
          $"(lock {RunDirectoryLock.LockPath(directory)}). Wait for it to finish or stop it: two processes must not write one run directory.")
{
    /// <summary>The locked directory.</summary>
    public string Directory { get; } = directory;
    /// <summary>The recorded holder, if known.</summary>
    public LockHolder? Holder { get; } = holder;
}
