using System.Reflection;

namespace Research.Studies;

/// <summary>How to start <c>prox</c> again: a program and the
/// arguments before the command (e.g. dotnet + prox.dll).</summary>
/// <param name="FileName">The program.</param>
/// <param name="Prefix">Arguments before the prox command.</param>
public sealed record ProxLauncher(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>The running prox: the dotnet host and the
    /// entry assembly (prox.dll), by absolute path.</summary>
    public static ProxLauncher Current()
    {
        string dll = Assembly.GetEntryAssembly()?.Location is { Length: > 0 } entry && entry.EndsWith("prox.dll", StringComparison.Ordinal)
            ? entry
            : Path.Combine(AppContext.BaseDirectory, "prox.dll");
        string? host = Environment.ProcessPath;
        if (host is null || !Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            host = "dotnet";
        return new ProxLauncher(host, [dll]);
    }

    /// <summary>A launcher from a shell command line such as <c>prox</c>
    /// or <c>dotnet /opt/prox/prox.dll</c> (split on spaces).</summary>
    public static ProxLauncher Parse(string command)
    {
        var parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            throw new Research.DeepAgents.Configuration.ConfigException("--prox", command, "a command that starts prox, e.g. 'prox' or 'dotnet /path/prox.dll'");
        return new ProxLauncher(parts[0], parts[1..]);
    }

    /// <summary>The shell command line running prox with
    /// <paramref name="args"/> (each argument quoted where needed).</summary>
    public string Shell(IEnumerable<string> args) => string.Join(' ', new[] { FileName }.Concat(Prefix).Concat(args).Select(ShellWord));

    /// <summary><paramref name="word"/> single-quoted where a POSIX shell would split or expand it.</summary>
    public static string ShellWord(string word) =>
        word.Length > 0 && word.All(ch => char.IsLetterOrDigit(ch) || "-_./:=,+%@".Contains(ch)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
