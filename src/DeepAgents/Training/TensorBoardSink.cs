using Tensorboard;
using Research.DeepAgents.Configuration;

namespace Research.DeepAgents.Training;

/// <summary>
/// Mirrors metrics to a TensorBoard event file in the run directory (<see cref="TensorBoardEvents"/>), with
/// the run's config as a text summary and in the hparams dashboard, and wall times in Unix seconds. A resumed
/// run starts a new events file; TensorBoard merges them (points after
/// the checkpoint may appear twice if the first session ran past it).
/// </summary>
public sealed class TensorBoardSink : IScalarSink
{
    readonly TensorBoardEvents _events;

    /// <summary>Writes into <paramref name="directory"/>, starting with <paramref name="config"/>.</summary>
    public TensorBoardSink(string directory, TrainingConfig config)
    {
        _events = new TensorBoardEvents(directory);
        _events.Write(0, TensorBoardConfig.Text(config));
        _events.Write(0, TensorBoardConfig.HParams(config, System.IO.Path.GetFileName(System.IO.Path.GetFullPath(directory).TrimEnd('/'))));
        _events.Flush();
    }

    /// <summary>The event file.</summary>
    public string Path => _events.Path;

    /// <inheritdoc />
    public void Scalar(string tag, double value, long step)
    {
        if (!double.IsFinite(value)) return;
        _events.Write(step, new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });
    }

    /// <inheritdoc />
    public void Flush() => _events.Flush();

    /// <inheritdoc />
    public void Dispose() => _events.Dispose();
}
