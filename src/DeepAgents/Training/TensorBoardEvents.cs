using Google.Protobuf;
using Tensorboard;

namespace Research.DeepAgents.Training;

/// <summary>
/// One TensorBoard event file (<c>events.out.tfevents.*</c>): serialized <see cref="Event"/>s in TFRecord
/// framing (<see cref="TfRecord"/>), wall times in Unix seconds. The event messages are TorchSharp's
/// generated TensorBoard protobuf classes.
/// </summary>
public sealed class TensorBoardEvents : IDisposable
{
    readonly FileStream _file;

    /// <summary>Creates a new event file in <paramref name="directory"/>
    /// and writes the file-version event.</summary>
    public TensorBoardEvents(string directory)
    {
        Directory.CreateDirectory(directory);
        long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string name = $"events.out.tfevents.{seconds}.{Environment.MachineName}.{Environment.ProcessId}.{System.Diagnostics.Stopwatch.GetTimestamp()}";
        Path = System.IO.Path.Combine(directory, name);
        _file = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
        Write(new Event { WallTime = Now(), FileVersion = "brain.Event:2" });
    }

    /// <summary>The event file.</summary>
    public string Path { get; }

    /// <summary>Seconds since the Unix epoch, with fractions:
    /// the event wall time TensorBoard expects.</summary>
    public static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Writes a summary of <paramref name="values"/> at <paramref name="step"/>.</summary>
    public void Write(long step, params Summary.Types.Value[] values)
    {
        var summary = new Summary();
        summary.Value.AddRange(values);
        Write(new Event { WallTime = Now(), Step = step, Summary = summary });
    }

    /// <summary>Appends one record (<see cref="TfRecord.Frame"/>).</summary>
    public void Write(Event e) => _file.Write(TfRecord.Frame(e.ToByteArray()));

    /// <summary>Pushes buffered records to the file.</summary>
    public void Flush() => _file.Flush();

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
