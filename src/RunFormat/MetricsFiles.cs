namespace Research.RunFormat;

/// <summary>
/// The run directory of <c>prox train</c> (docs/run-format.md): written by Research.DeepAgents, read by
/// Research.Analysis. Each metrics file's columns are listed once, below, in the order rows are written.
/// </summary>
public static class RunLayout
{
    /// <summary>Format tag of config.json; bumped when the meaning of a file or column changes.</summary>
    public const string Format = "prox-run/1";
    /// <summary>The resolved config and run metadata.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>The folder of the metrics files.</summary>
    public const string MetricsFolder = "metrics";
}

/// <summary>A metrics file: its name under metrics/ and its header's columns.</summary>
public sealed record MetricsFile(string Name, IReadOnlyList<string> Columns);

/// <summary>metrics/episodes.csv: one row per finished training episode.</summary>
public static class EpisodesCsv
{
    public const string Step = "step", Episode = "episode", Return = "return", Length = "length", Truncated = "truncated";
    public static readonly MetricsFile File = new("episodes.csv", [Step, Episode, Return, Length, Truncated]);
}

/// <summary>metrics/evaluations.csv: one row per evaluation phase.</summary>
public static class EvaluationsCsv
{
    public const string Step = "step", Evaluation = "evaluation", Episodes = "episodes", MeanReturn = "mean_return",
        StdReturn = "std_return", MinReturn = "min_return", MaxReturn = "max_return", MeanLength = "mean_length",
        Steps = "steps";
    public static readonly MetricsFile File = new("evaluations.csv",
        [Step, Evaluation, Episodes, MeanReturn, StdReturn, MinReturn, MaxReturn, MeanLength, Steps]);
}

/// <summary>metrics/updates.csv: one row every update-log-period gradient updates.</summary>
public static class UpdatesCsv
{
    public const string Step = "step", Update = "update", Loss = "loss", MeanQ = "mean_q", Epsilon = "epsilon";
    public static readonly MetricsFile File = new("updates.csv", [Step, Update, Loss, MeanQ, Epsilon]);
}

/// <summary>metrics/target_syncs.csv: d_k at each target refresh.</summary>
public static class TargetSyncsCsv
{
    public const string Step = "step", Sync = "sync", Update = "update", Norm = "norm";
    public static readonly MetricsFile File = new("target_syncs.csv", [Step, Sync, Update, Norm]);
}

/// <summary>metrics/target_sync_layers.csv: each parameter tensor's part of d_k (long format).</summary>
public static class TargetSyncLayersCsv
{
    public const string Step = "step", Sync = "sync", Layer = "layer", Norm = "norm";
    public static readonly MetricsFile File = new("target_sync_layers.csv", [Step, Sync, Layer, Norm]);
}

/// <summary>metrics/throughput.csv: wall-clock speed, the only file that is not reproducible.</summary>
public static class ThroughputCsv
{
    public const string Step = "step", WallSeconds = "wall_seconds", StepsPerSecond = "steps_per_second",
        Updates = "updates", UpdatesPerSecond = "updates_per_second";
    public static readonly MetricsFile File = new("throughput.csv", [Step, WallSeconds, StepsPerSecond, Updates, UpdatesPerSecond]);
}

/// <summary>All metrics files, in checkpoint order (the order of their offsets in checkpoint.bin).</summary>
public static class MetricsFiles
{
    public static readonly IReadOnlyList<MetricsFile> All =
        [EpisodesCsv.File, EvaluationsCsv.File, UpdatesCsv.File, TargetSyncsCsv.File, TargetSyncLayersCsv.File, ThroughputCsv.File];

    /// <summary>The file names of <see cref="All"/>.</summary>
    public static readonly IReadOnlyList<string> Names = [.. All.Select(f => f.Name)];
}
