using System.Diagnostics;
using System.Globalization;

namespace Research.Studies;

/// <summary>
/// What the executors note beside a study's run directories, in <c>STUDY/.sweep/</c>: <c>NAME.running</c>
/// (host, process id, start) while a process works on the run and <c>NAME.failed</c> (the error) after a
/// failure. The checkpoint stays the truth for progress; these
/// only tell running and failed apart from pending and partial.
/// </summary>
public sealed class RunMarkers(string studyRoot)
{
    string Folder => Path.Combine(studyRoot, ".sweep");

    string Running(string run) => Path.Combine(Folder, run + ".running");

    string Failed(string run) => Path.Combine(Folder, run + ".failed");

    /// <summary>Notes that this process works on <paramref name="run"/>
    /// (and clears an earlier failure).</summary>
    public void Start(string run)
    {
        Directory.CreateDirectory(Folder);
        File.Delete(Failed(run));
        File.WriteAllText(Running(run), string.Create(CultureInfo.InvariantCulture,
            $"{Environment.MachineName} {Environment.ProcessId} {DateTime.UtcNow:o}\n"));
    }

    /// <summary>Notes the end of this process's work on <paramref name="run"/>;
    /// <paramref name="error"/> non-null = failed.</summary>
    public void Stop(string run, string? error)
    {
        File.Delete(Running(run));
        if (error is not null)
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(Failed(run), error + "\n");
        }
    }

    /// <summary>The host and process working on <paramref name="run"/>,
    /// when that process is alive (or on another host).</summary>
    public string? RunningOn(string run)
    {
        if (!File.Exists(Running(run))) return null;
        var parts = File.ReadAllText(Running(run)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid)) return null;
        if (parts[0] == Environment.MachineName && !Alive(pid)) return null;
        return $"{parts[0]}:{pid}";
    }

    /// <summary>The recorded failure of <paramref name="run"/>, or null.</summary>
    public string? FailureOf(string run) => File.Exists(Failed(run)) ? File.ReadAllText(Failed(run)).Trim() : null;

    static bool Alive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
