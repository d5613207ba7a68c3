using System.Text;

namespace Research.DeepAgents.Environments;

/// <summary>
/// The frame of an <see cref="ISnapshotEnvironment"/> state: a magic string (the kind and its format
/// version), then the kind's own fields. Restoring checks the magic first and turns a short state into
/// an <see cref="InvalidDataException"/> naming the kind.
/// </summary>
internal static class Snapshot
{
    /// <summary>The magic, then what <paramref name="write"/> writes.</summary>
    public static byte[] Save(string magic, Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(magic);
            write(w);
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Checks the magic of <paramref name="state"/>, then lets <paramref name="read"/> read the rest;
    /// <paramref name="kind"/> names the kind in messages ("cartpole", "Atari environment").
    /// </summary>
    public static void Restore(ReadOnlySpan<byte> state, string magic, string kind, Action<BinaryReader> read)
    {
        using var r = new BinaryReader(new MemoryStream(state.ToArray()), Encoding.UTF8);
        try
        {
            string header = r.ReadString();
            if (header != magic)
            {
                string article = "AEIOUaeiou".Contains(kind[0]) ? "an" : "a";
                throw new InvalidDataException($"Not {article} {kind} state (header '{header}', expected '{magic}').");
            }
            read(r);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Truncated {kind} state ({state.Length} bytes).", e);
        }
    }

    /// <summary>Reads the environment id a state was saved by and requires <paramref name="name"/>.</summary>
    public static void ReadName(BinaryReader r, string name)
    {
        string stored = r.ReadString();
        if (stored != name) throw new InvalidDataException($"State is for '{stored}', this environment is '{name}'.");
    }
}
