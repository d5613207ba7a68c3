using System.Numerics;

namespace Research.DeepAgents.Environments;

/// <summary>Copies of an environment's byte observation (Binary or Pixels) into a caller's buffer.</summary>
internal static class ByteObservation
{
    /// <summary>Copies <paramref name="source"/> to the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The destination is shorter; the message names
    /// <paramref name="what"/> (the environment).</exception>
    public static void Copy(ReadOnlySpan<byte> source, Span<byte> destination, string what)
    {
        CheckLength(source.Length, destination.Length, what);
        source.CopyTo(destination);
    }

    /// <summary>As the byte copy, each byte written as a float 0..255
    /// (the encoding the networks take).</summary>
    public static void Copy(ReadOnlySpan<byte> source, Span<float> destination, string what)
    {
        CheckLength(source.Length, destination.Length, what);
        Widen(source, destination);
    }

    /// <summary>Writes each byte of <paramref name="source"/> as a float 0..255 to the start of
    /// <paramref name="destination"/>, a vector at a time (the float path feeds networks
    /// every step).</summary>
    public static void Widen(ReadOnlySpan<byte> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<byte>.Count, quarter = Vector<float>.Count;
            for (; i <= source.Length - width; i += width)
            {
                Vector.Widen(new Vector<byte>(source[i..]), out Vector<ushort> low, out Vector<ushort> high);
                Vector.Widen(low, out Vector<uint> a, out Vector<uint> b);
                Vector.Widen(high, out Vector<uint> c, out Vector<uint> d);
                Vector.ConvertToSingle(a).CopyTo(destination[i..]);
                Vector.ConvertToSingle(b).CopyTo(destination[(i + quarter)..]);
                Vector.ConvertToSingle(c).CopyTo(destination[(i + 2 * quarter)..]);
                Vector.ConvertToSingle(d).CopyTo(destination[(i + 3 * quarter)..]);
            }
        }
        for (; i < source.Length; i++) destination[i] = source[i];
    }

    static void CheckLength(int needed, int length, string what)
    {
        if (length < needed)
            throw new ArgumentException($"Observation buffer has {length} elements; {what} needs {needed}.", "destination");
    }
}
