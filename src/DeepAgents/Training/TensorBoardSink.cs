using TorchSharp;

namespace Research.DeepAgents.Training;

/// <summary>
/// Mirrors metrics to TensorBoard event files (<c>events.out.tfevents.*</c> in the run directory) through
/// TorchSharp's <c>torch.utils.tensorboard.SummaryWriter</c>. Steps above 2^31-1 are not representable
/// there (its <c>global_step</c> is an int) and are skipped. A resumed run starts a new events file;
/// TensorBoard merges them (points after the checkpoint may appear twice if the first session ran past it).
/// </summary>
public sealed class TensorBoardSink : IScalarSink
{
    readonly TorchSharp.Modules.SummaryWriter _writer;

    /// <summary>Writes into <paramref name="directory"/>.</summary>
    public TensorBoardSink(string directory) => _writer = torch.utils.tensorboard.SummaryWriter(directory);

    /// <inheritdoc />
    public void Scalar(string tag, double value, long step)
    {
        if (step > int.MaxValue || !double.IsFinite(value)) return;
        _writer.add_scalar(tag, (float)value, (int)step);
    }

    /// <inheritdoc />
    public void Flush() { }

    /// <inheritdoc />
    public void Dispose() { }
}
