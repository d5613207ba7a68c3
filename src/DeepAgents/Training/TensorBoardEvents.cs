using System.Numerics;
using Google.Protobuf;
using Tensorboard;

namespace Research.DeepAgents.Training;

/// <summary>
/// One TensorBoard event file (<c>events.out.tfevents.*</c>): records of a little-endian uint64 length, its masked
/// CRC-32C, the serialized <see cref="Event"/> and that one's masked CRC-32C (TensorFlow's record format). Wall times
/// are Unix seconds. The event messages are TorchSharp's generated TensorBoard protobuf classes.
/// </summary>
public sealed class TensorBoardEvents : IDisposable
{
    readonly FileStream _file;

    /// <summary>Creates a new event file in <paramref name="directory"/> and writes the file-version event.</summary>
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

    /// <summary>Seconds since the Unix epoch, with fractions: the event wall time TensorBoard expects.</summary>
    public static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Writes a summary of <paramref name="values"/> at <paramref name="step"/>.</summary>
    public void Write(long step, params Summary.Types.Value[] values)
    {
        var summary = new Summary();
        summary.Value.AddRange(values);
        Write(new Event { WallTime = Now(), Step = step, Summary = summary });
    }

    /// <summary>Appends one record.</summary>
    public void Write(Event e)
    {
        byte[] data = e.ToByteArray();
        Span<byte> header = stackalloc byte[12];
        BitConverter.TryWriteBytes(header[..8], (ulong)data.Length);
        BitConverter.TryWriteBytes(header[8..], MaskedCrc(header[..8]));
        _file.Write(header);
        _file.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BitConverter.TryWriteBytes(footer, MaskedCrc(data));
        _file.Write(footer);
    }

    /// <summary>Pushes buffered records to the file.</summary>
    public void Flush() => _file.Flush();

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();

    /// <summary>CRC-32C (Castagnoli) of <paramref name="data"/>.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = ~0u;
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return ~crc;
    }

    /// <summary>The record format's masked CRC: rotate right by 15, add 0xa282ead8.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
    }
}
