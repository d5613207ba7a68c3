using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Research.RunFormat;
using Research.DeepAgents.Configuration;

namespace Research.DeepAgents.Training;

/// <summary>
/// The layout of <c>runs/&lt;name&gt;/</c> (docs/run-format.md): config.json, metrics/*.csv,
/// checkpoints/checkpoint.bin and TensorBoard events in the root.
/// </summary>
public sealed class RunDirectory
{
    /// <summary>Format tag written to config.json; bumped when a file's meaning changes.</summary>
    public const string Format = RunLayout.Format;

    /// <summary>A run directory rooted at <paramref name="root"/>
    /// (not created until <see cref="Create"/>).</summary>
    public RunDirectory(string root) => Root = Path.GetFullPath(root);

    /// <summary>The run directory.</summary>
    public string Root { get; }
    /// <summary>config.json.</summary>
    public string ConfigPath => Path.Combine(Root, RunLayout.ConfigFile);
    /// <summary>metrics/.</summary>
    public string MetricsDirectory => Path.Combine(Root, RunLayout.MetricsFolder);
    /// <summary>checkpoints/.</summary>
    public string CheckpointsDirectory => Path.Combine(Root, "checkpoints");
    /// <summary>The latest checkpoint (replaced atomically).</summary>
    public string CheckpointPath => Path.Combine(CheckpointsDirectory, "checkpoint.bin");
    /// <summary>The checkpoint the latest one replaced, kept when it verified (the fallback of
    /// <see cref="Checkpoint.Latest"/>).</summary>
    public string PreviousCheckpointPath => Path.Combine(CheckpointsDirectory, "checkpoint.previous.bin");
    /// <summary>Whether a checkpoint (latest or previous) exists;
    /// <see cref="Checkpoint.Latest"/> tells which one verifies.</summary>
    public bool HasCheckpoint => File.Exists(CheckpointPath) || File.Exists(PreviousCheckpointPath);
    /// <summary>The lock file of <see cref="RunDirectoryLock"/>.</summary>
    public string LockPath => RunDirectoryLock.LockPath(Root);

    /// <summary>Creates the directories.</summary>
    public void Create()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(MetricsDirectory);
        Directory.CreateDirectory(CheckpointsDirectory);
    }

    /// <summary>JSON options of config.json: camelCase keys, enums
    /// as names, infinity as the string "Infinity".</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes config.json: the resolved config plus
    /// run metadata (atomically: temp file + rename).</summary>
    public void WriteConfig(TrainingConfig config, RunInfo info)
    {
        var root = new JsonObject
        {
            ["format"] = Format,
            ["config"] = JsonSerializer.SerializeToNode(config, JsonOptions),
            ["run"] = JsonSerializer.SerializeToNode(info, JsonOptions),
        };
        AtomicFile.WriteAllText(ConfigPath, root.ToJsonString(JsonOptions) + "\n");
    }

    /// <summary>Options that read config.json's <c>config</c> strictly: an unknown key is an error.</summary>
    static readonly JsonSerializerOptions StrictOptions = new(JsonOptions) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>
    /// Reads the config and run metadata of config.json. A missing file, bad JSON, a wrong type, an unknown
    /// key or an out-of-range value throws
    /// <see cref="InvalidDataException"/> naming the file and what is wrong.
    /// </summary>
    public (TrainingConfig Config, RunInfo Info) ReadConfig()
    {
        if (Directory.Exists(ConfigPath) || !File.Exists(ConfigPath))
            throw new InvalidDataException($"{Root} is not a run directory: it has no config.json (prox train writes one).");
        const string fix = "restore it (the checkpoint keeps the original config) or start a new run";
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(ConfigPath)) ?? throw new InvalidDataException($"{ConfigPath} holds null; {fix}.");
            string format = node["format"] is JsonValue v && v.TryGetValue(out string? f) ? f : "";
            if (format != Format)
                throw new InvalidDataException($"{ConfigPath} has format '{format}'; this build reads '{Format}' ({fix}).");
            var config = node["config"].Deserialize<TrainingConfig>(StrictOptions) ?? throw new InvalidDataException($"{ConfigPath} has no config section; {fix}.");
            var info = node["run"].Deserialize<RunInfo>(JsonOptions) ?? throw new InvalidDataException($"{ConfigPath} has no run section; {fix}.");
            ConfigValidation.Validate(config);
            return (config, info);
        }
        catch (Exception e) when (e is JsonException or ConfigException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{ConfigPath} is not a valid run config: {e.Message.TrimEnd('.')}; {fix}.", e);
        }
    }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> when config.json's
    /// <paramref name="config"/> differs from the one stored in
    /// <paramref name="checkpoint"/> other than in <c>TotalSteps</c> (a hand-edited config.json).
    /// </summary>
    public void CheckMatches(TrainingConfig config, Checkpoint.Header header, string checkpoint)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(header);
        TrainingConfig? saved;
        try { saved = JsonSerializer.Deserialize<TrainingConfig>(header.ConfigJson, JsonOptions); }
        catch (JsonException e) { throw new CheckpointDamagedException(checkpoint, $"{checkpoint} holds an unreadable config ({e.Message})."); }
        if (saved is null || AsRecorded(saved) with { TotalSteps = 0 } != config with { TotalSteps = 0 })
            throw new InvalidDataException($"{ConfigPath} does not match the config stored in {checkpoint} (only total-steps may differ): " +
                "undo the edit of config.json (the checkpoint keeps the run's config), or start a new run with the new values.");
    }

    /// <summary>
    /// Whether a stored run continues the <paramref name="planned"/> one: the configs are equal except for
    /// <c>TotalSteps</c>, and a planned <c>Auto</c> update
    /// kernel matches whichever kernel the run resolved to.
    /// </summary>
    public static bool SameRun(TrainingConfig stored, TrainingConfig planned)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(planned);
        var kernel = planned.UpdateKernel == UpdateKernel.Auto ? UpdateKernel.Auto : stored.UpdateKernel;
        return stored with { TotalSteps = 0, UpdateKernel = kernel } == planned with { TotalSteps = 0 };
    }

    /// <summary>
    /// A stored config as it ran: runs record their resolved
    /// <see cref="TrainingConfig.UpdateKernel"/>, so a stored
    /// <c>Auto</c> (or none) comes from a build before the fused kernels, which always used autograd.
    /// </summary>
    public static TrainingConfig AsRecorded(TrainingConfig stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.UpdateKernel == UpdateKernel.Auto ? stored with { UpdateKernel = UpdateKernel.Autograd } : stored;
    }
}

/// <summary>Metadata of a run recorded in config.json next to the config.</summary>
/// <param name="Seed">The run seed.</param>
/// <param name="StartTime">UTC start of the first session (ISO 8601).</param>
/// <param name="GitCommit">Commit of the source tree (from .git/HEAD) or "unknown".</param>
/// <param name="Versions">Versions: prox, .NET runtime, TorchSharp.</param>
/// <param name="Machine">Cores, OS, architecture.</param>
/// <param name="Sessions">Start times (UTC) and starting steps
/// of every session, the first one and each resume.</param>
public sealed record RunInfo(long Seed, string StartTime, string GitCommit, IReadOnlyDictionary<string, string> Versions,
    IReadOnlyDictionary<string, string> Machine, IReadOnlyList<RunSession> Sessions)
{
    /// <summary>Metadata for a new run started now.</summary>
    public static RunInfo Now(long seed)
    {
        string now = DateTime.UtcNow.ToString("o");
        return new RunInfo(seed, now, GitInfo.Commit(), CurrentVersions(), CurrentMachine(), [new RunSession(now, 0)]);
    }

    /// <summary>This metadata with one more session starting at <paramref name="step"/>.</summary>
    public RunInfo Resumed(long step) => this with { Sessions = [.. Sessions, new RunSession(DateTime.UtcNow.ToString("o"), step)] };

    static Dictionary<string, string> CurrentVersions() => new()
    {
        ["prox"] = typeof(RunInfo).Assembly.GetName().Version?.ToString() ?? "unknown",
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown",
    };

    static Dictionary<string, string> CurrentMachine() => new()
    {
        ["cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
        ["hostname"] = Environment.MachineName,
    };
}

/// <summary>One process that worked on a run.</summary>
/// <param name="StartTime">UTC start (ISO 8601).</param>
/// <param name="StartStep">Agent steps done when it started (0 for the first session).</param>
public sealed record RunSession(string StartTime, long StartStep);

/// <summary>
/// The commit of the code that runs: stamped at build time, else read from .git without running git.
/// </summary>
public static class GitInfo
{
    /// <summary>
    /// The commit this assembly was built from (the SDK appends it to the informational version,
    /// <c>1.0.0+&lt;sha&gt;</c>, when the build tree is a git checkout), so an installed tool started
    /// anywhere records it; else the commit of the first .git found upward from the working directory
    /// or the application directory; else "unknown".
    /// </summary>
    public static string Commit() => BuildCommit() ?? CheckoutCommit();

    /// <summary>The commit stamped into this assembly at build time, or null when the build had
    /// none.</summary>
    public static string? BuildCommit() => CommitOfVersion(typeof(GitInfo).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion);

    /// <summary>
    /// The hex commit after '+' in an informational version (<c>1.0.0+&lt;sha&gt;</c>), else null.
    /// </summary>
    public static string? CommitOfVersion(string? informationalVersion)
    {
        int plus = informationalVersion?.LastIndexOf('+') ?? -1;
        if (plus < 0) return null;
        string sha = informationalVersion![(plus + 1)..];
        return sha.Length is >= 7 and <= 64 && sha.All(Uri.IsHexDigit) ? sha : null;
    }

    static string CheckoutCommit()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            try
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    string git = Path.Combine(dir.FullName, ".git");
                    if (Directory.Exists(git)) return ReadHead(git) ?? "unknown";
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return "unknown";
    }

    static string? ReadHead(string git)
    {
        string headPath = Path.Combine(git, "HEAD");
        if (!File.Exists(headPath)) return null;
        string head = File.ReadAllText(headPath).Trim();
        if (!head.StartsWith("ref: ", StringComparison.Ordinal)) return head;
        string reference = head[5..];
        string loose = Path.Combine(git, reference.Replace('/', Path.DirectorySeparatorChar));
        if (File.Exists(loose)) return File.ReadAllText(loose).Trim();
        string packed = Path.Combine(git, "packed-refs");
        if (File.Exists(packed))
            foreach (var line in File.ReadLines(packed))
                if (line.EndsWith(" " + reference, StringComparison.Ordinal)) return line[..line.IndexOf(' ')];
        return null;
    }
}

/// <summary>Writes files so that a crash at any moment leaves either the old or the new content.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <c>path.tmp</c>, flushed to disk, then renamed over the target;
    /// <paramref name="beforeReplace"/> runs between the flush and the rename.
    /// </summary>
    public static void Write(string path, Action<Stream> write, Action? beforeReplace = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        string temp = path + ".tmp";
        try
        {
            using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            File.Delete(temp); // e.g. disk full: give the space back; the previous file is untouched
            throw;
        }
        beforeReplace?.Invoke();
        File.Move(temp, path, overwrite: true); // rename(2): atomic on POSIX file systems
    }

    /// <summary>Writes text atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { var bytes = new System.Text.UTF8Encoding(false).GetBytes(text); s.Write(bytes); });
}
