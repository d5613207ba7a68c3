namespace Research.DeepAgents.Replay;

/// <summary>
/// The header of a saved replay component: its format version, then its shape (capacity and sizes). Loading
/// checks both before reading anything else, so a state from another build or of another shape is an
/// <see cref="InvalidDataException"/> naming the component and both shapes, never a misread.
/// </summary>
internal static class StateHeader
{
    /// <summary>Writes <paramref name="version"/>, then each value
    /// of <paramref name="shape"/> (int32s).</summary>
    public static void Write(BinaryWriter writer, int version, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(version);
        foreach (int value in shape) writer.Write(value);
    }

    /// <summary>
    /// Reads a header written by <see cref="Write"/> and requires <paramref name="version"/> and
    /// <paramref name="shape"/>; <paramref name="what"/> names the component ("sum tree") and
    /// <paramref name="names"/> the shape's values ("capacity, observation size").
    /// </summary>
    public static void Read(BinaryReader reader, string what, string names, int version, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int stored = reader.ReadInt32();
        if (stored != version)
            throw new InvalidDataException($"{what} state has format version {stored}; this build reads {version}.");
        var read = new int[shape.Length];
        for (int i = 0; i < read.Length; i++) read[i] = reader.ReadInt32();
        if (!shape.SequenceEqual(read))
            throw new InvalidDataException(
                $"{what} state is for {names} {string.Join(", ", read)}; this one has {string.Join(", ", shape.ToArray())}.");
    }
}
