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
        for (int i = 0; i < source.Length; i++) destination[i] = source[i];
    }

    static void CheckLength(int needed, int length, string what)
    {
        if (length < needed)
            throw new ArgumentException($"Observation buffer has {length} elements; {what} needs {needed}.", "destination");
    }
}
