using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Research.DeepAgents.Optimization;

/// <summary>
/// Binary layout of an optimizer's state: a kind tag, the step count, the number of buffers, then
/// each buffer as (element count, raw float32 little-endian values). Exact round trip.
/// </summary>
internal static class OptimizerState
{
    private const int Version = 1;

    public static void Write(BinaryWriter writer, string kind, long step, Tensor[] buffers)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(kind);
        writer.Write(Version);
        writer.Write(step);
        writer.Write(buffers.Length);
        foreach (var b in buffers) TensorIO.Write(writer, b);
    }

    public static long Read(BinaryReader reader, string kind, Tensor[] buffers)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var storedKind = reader.ReadString();
        if (storedKind != kind)
            throw new InvalidDataException($"optimizer state is for '{storedKind}', this optimizer is '{kind}'.");
        var version = reader.ReadInt32();
        if (version != Version)
            throw new InvalidDataException($"optimizer state version {version} is not supported (expected {Version}).");
        var step = reader.ReadInt64();
        var count = reader.ReadInt32();
        if (count != buffers.Length)
            throw new InvalidDataException($"optimizer state has {count} buffers, this '{kind}' configuration has {buffers.Length} (centred / momentum settings differ?).");
        foreach (var b in buffers) TensorIO.Read(reader, b);
        return step;
    }
}

/// <summary>Raw float32 tensor contents to and from a binary stream (exact).</summary>
public static class TensorIO
{
    /// <summary>Writes the element count then the values of a contiguous float32 CPU tensor.</summary>
    public static void Write(BinaryWriter writer, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.dtype != ScalarType.Float32)
            throw new ArgumentException($"tensor dtype {tensor.dtype} is not supported; only Float32.", nameof(tensor));
        using var c = tensor.detach().cpu().contiguous();
        writer.Write(c.numel());
        writer.Write(MemoryMarshal.AsBytes(c.data<float>().ToArray().AsSpan()));
    }

    /// <summary>Reads values written by <see cref="Write"/> into
    /// <paramref name="tensor"/> (same element count) in place.</summary>
    public static void Read(BinaryReader reader, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(tensor);
        var count = reader.ReadInt64();
        if (count != tensor.numel())
            throw new InvalidDataException($"stored tensor has {count} elements, the destination has {tensor.numel()}.");
        var values = new float[count];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        var read = 0;
        while (read < bytes.Length)
        {
            var n = reader.Read(bytes[read..]);
            if (n == 0) throw new EndOfStreamException($"stored tensor truncated after {read} of {bytes.Length} bytes.");
            read += n;
        }
        using (no_grad())
        using (var source = from_array(values).view(tensor.shape))
            tensor.copy_(source);
    }
}
