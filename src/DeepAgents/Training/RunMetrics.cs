using Research.RunFormat;

namespace Research.DeepAgents.Training;

/// <summary>One target-network layer's norm at a sync (per-layer rows of target_sync_layers.csv).</summary>
public readonly record struct LayerNorm(string Layer, double Norm);

/// <summary>
/// The metrics/ files of a run (columns: <see cref="MetricsFiles"/>; meanings: docs/run-format.md). Every
/// file except throughput.csv depends only on the config and seed, so equal runs write equal bytes;
/// wall-clock data lives only in throughput.csv. Rows are optionally
/// mirrored to TensorBoard through <see cref="IScalarSink"/>.
/// </summary>
public sealed class RunMetrics : IDisposable
{
    readonly CsvLog _episodes, _evaluations, _updates, _syncs, _syncLayers, _throughput;
    readonly IScalarSink? _sink;

    /// <summary>
    /// Opens the files under <paramref name="metricsDirectory"/>: fresh when <paramref name="offsets"/> is
    /// null, else truncated to the checkpoint's offsets.
    /// </summary>
    public RunMetrics(string metricsDirectory, IReadOnlyDictionary<string, long>? offsets = null, IScalarSink? sink = null)
    {
        Directory.CreateDirectory(metricsDirectory);
        CsvLog Open(MetricsFile file)
        {
            long? cut = null;
            if (offsets is not null)
                cut = offsets.TryGetValue(file.Name, out long n) ? n
                    : throw new InvalidDataException($"checkpoint has no offset for metrics/{file.Name}.");
            return CsvLog.Open(Path.Combine(metricsDirectory, file.Name), file.Columns, cut);
        }
        _episodes = Open(EpisodesCsv.File);
        _evaluations = Open(EvaluationsCsv.File);
        _updates = Open(UpdatesCsv.File);
        _syncs = Open(TargetSyncsCsv.File);
        _syncLayers = Open(TargetSyncLayersCsv.File);
        _throughput = Open(ThroughputCsv.File);
        _sink = sink;
    }

    /// <summary>A finished training episode: the step at which it ended,
    /// its 1-based index, return (unclipped) and length.</summary>
    public void Episode(long step, long episode, double episodeReturn, long length, bool truncated)
    {
        _episodes.Add(step).Add(episode).Add(episodeReturn).Add(length).Add(truncated ? 1L : 0L).End();
        _sink?.Scalar("train/episode_return", episodeReturn, step);
    }

    /// <summary>An evaluation phase after <paramref name="step"/> training steps.</summary>
    public void Evaluation(long step, long evaluation, EvaluationResult result)
    {
        _evaluations.Add(step).Add(evaluation).Add(result.Episodes).Add(result.MeanReturn).Add(result.StdReturn)
            .Add(result.MinReturn).Add(result.MaxReturn).Add(result.MeanLength).Add(result.Steps).End();
        _sink?.Scalar("eval/mean_return", result.MeanReturn, step);
    }

    /// <summary>A sampled gradient update.</summary>
    public void Update(long step, long update, float loss, float meanQ, double epsilon)
    {
        _updates.Add(step).Add(update).Add(loss).Add(meanQ).Add(epsilon).End();
        _sink?.Scalar("train/loss", loss, step);
        _sink?.Scalar("train/mean_q", meanQ, step);
        _sink?.Scalar("train/epsilon", epsilon, step);
    }

    /// <summary>Target refresh number <paramref name="sync"/>: d_k =
    /// ||theta_k - theta_{k-1}||_2 and its per-layer parts.</summary>
    public void TargetSync(long step, long sync, long update, double norm, IReadOnlyList<LayerNorm> layers)
    {
        _syncs.Add(step).Add(sync).Add(update).Add(norm).End();
        foreach (var layer in layers)
            _syncLayers.Add(step).Add(sync).Add(layer.Layer).Add(layer.Norm).End();
        _sink?.Scalar("train/target_norm_difference", norm, step);
    }

    /// <summary>Wall-clock progress (the only non-reproducible file).</summary>
    public void Throughput(long step, double wallSeconds, double stepsPerSecond, long updates, double updatesPerSecond)
    {
        _throughput.Add(step).Add(wallSeconds).Add(stepsPerSecond).Add(updates).Add(updatesPerSecond).End();
        _sink?.Scalar("perf/steps_per_second", stepsPerSecond, step);
    }

    /// <summary>Flushes every file and returns its length, for a checkpoint.</summary>
    public Dictionary<string, long> Offsets()
    {
        _sink?.Flush();
        return new Dictionary<string, long>
        {
            [EpisodesCsv.File.Name] = _episodes.Length,
            [EvaluationsCsv.File.Name] = _evaluations.Length,
            [UpdatesCsv.File.Name] = _updates.Length,
            [TargetSyncsCsv.File.Name] = _syncs.Length,
            [TargetSyncLayersCsv.File.Name] = _syncLayers.Length,
            [ThroughputCsv.File.Name] = _throughput.Length,
        };
    }

    /// <summary>Flushes every file.</summary>
    public void Flush() => Offsets();

    /// <inheritdoc />
    public void Dispose()
    {
        _episodes.Dispose(); _evaluations.Dispose(); _updates.Dispose();
        _syncs.Dispose(); _syncLayers.Dispose(); _throughput.Dispose();
        _sink?.Dispose();
    }
}

/// <summary>Where scalar metrics are mirrored besides the CSV files (TensorBoard).</summary>
public interface IScalarSink : IDisposable
{
    /// <summary>Records <paramref name="value"/> under
    /// <paramref name="tag"/> at <paramref name="step"/>.</summary>
    void Scalar(string tag, double value, long step);
    /// <summary>Writes buffered records.</summary>
    void Flush();
}

/// <summary>The outcome of an evaluation phase.</summary>
/// <param name="Episodes">Completed episodes.</param>
/// <param name="MeanReturn">Mean undiscounted, unclipped return.</param>
/// <param name="StdReturn">Population standard deviation of the returns.</param>
/// <param name="MinReturn">Smallest return.</param>
/// <param name="MaxReturn">Largest return.</param>
/// <param name="MeanLength">Mean episode length in agent steps.</param>
/// <param name="Steps">Agent steps taken.</param>
public sealed record EvaluationResult(int Episodes, double MeanReturn, double StdReturn, double MinReturn, double MaxReturn, double MeanLength, long Steps)
{
    /// <summary>Summarises episode returns and lengths.</summary>
    public static EvaluationResult From(IReadOnlyList<double> returns, IReadOnlyList<long> lengths)
    {
        if (returns.Count == 0) return new EvaluationResult(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        double mean = returns.Average();
        double variance = returns.Sum(r => (r - mean) * (r - mean)) / returns.Count;
        return new EvaluationResult(returns.Count, mean, Math.Sqrt(variance), returns.Min(), returns.Max(), lengths.Average(), lengths.Sum());
    }
}
