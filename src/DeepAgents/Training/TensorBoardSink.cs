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
    public TensorBoardSink(string directory)
    {
        var before = Directory.Exists(directory) ? Directory.GetFiles(directory, "events.out.tfevents.*") : [];
        _writer = torch.utils.tensorboard.SummaryWriter(directory);
        // TorchSharp 0.107 stamps the file-version event that opens the new file with DateTime ticks, not Unix
        // seconds (its scalar events are right): rewrite that single record.
        foreach (var file in Directory.GetFiles(directory, "events.out.tfevents.*").Except(before))
            File.WriteAllBytes(file, TfRecord.Frame(TfRecord.FileVersionEvent(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0)));
    }

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
