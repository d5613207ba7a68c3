using System.Text;

namespace Research.DeepAgents.Training;

/// <summary>
/// The loop's own state saved with a checkpoint (the agent, the environment and the metrics offsets are
/// saved next to it by <see cref="Trainer"/>): counters of the episode in progress and of evaluations,
/// and the wall-clock time used so far.
/// </summary>
/// <param name="Episodes">Training episodes finished.</param>
/// <param name="EpisodeReturn">Unclipped return of the episode in progress.</param>
/// <param name="EpisodeLength">Steps of the episode in progress.</param>
/// <param name="Evaluations">Evaluation phases done.</param>
/// <param name="WallSeconds">Training wall-clock seconds of all sessions so far.</param>
public sealed record LoopState(long Episodes, double EpisodeReturn, long EpisodeLength, long Evaluations, double WallSeconds);

/// <summary>
/// checkpoints/checkpoint.bin (docs/run-format.md, "Checkpoints"): one binary file written atomically
/// (temp file, flush to disk, rename over the previous one), so a process killed at any moment leaves
/// the last complete checkpoint. Layout: magic, format version, the resolved config as JSON, agent steps,
/// <see cref="LoopState"/>, metrics offsets, environment state, agent state.
/// </summary>
public static class Checkpoint
{
    static readonly byte[] Magic = "PROXCKPT"u8.ToArray();
    /// <summary>The format version this build writes and reads.</summary>
    public const int Version = 1;

    /// <summary>Header fields read before the bulky states.</summary>
    /// <param name="ConfigJson">The resolved config the run was started with.</param>
    /// <param name="Steps">Agent steps done.</param>
    /// <param name="Loop">The loop state.</param>
    /// <param name="MetricsOffsets">Byte length of every metrics file at the checkpoint.</param>
    public sealed record Header(string ConfigJson, long Steps, LoopState Loop, IReadOnlyDictionary<string, long> MetricsOffsets);

    /// <summary>Writes a checkpoint to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, Header header, byte[] environmentState, Action<BinaryWriter> writeAgent)
    {
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(Version);
            w.Write(header.ConfigJson);
            w.Write(header.Steps);
            w.Write(header.Loop.Episodes);
            w.Write(header.Loop.EpisodeReturn);
            w.Write(header.Loop.EpisodeLength);
            w.Write(header.Loop.Evaluations);
            w.Write(header.Loop.WallSeconds);
            w.Write(header.MetricsOffsets.Count);
            foreach (var (name, length) in header.MetricsOffsets.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(name);
                w.Write(length);
            }
            w.Write(environmentState.Length);
            w.Write(environmentState);
            writeAgent(w);
            w.Write(Magic); // trailer: a truncated file is detected on load
        });
    }

    /// <summary>Reads a checkpoint: the header, the environment state, then the agent through <paramref name="readAgent"/>.</summary>
    public static Header Read(string path, Action<byte[]> readEnvironment, Action<BinaryReader> readAgent)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var header = ReadHeader(r, path);
        int envLength = r.ReadInt32();
        readEnvironment(r.ReadBytes(envLength));
        readAgent(r);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is truncated or corrupt (trailer missing).");
        return header;
    }

    /// <summary>Reads only the header (cheap: for <c>prox eval</c> and resume checks).</summary>
    public static Header ReadHeader(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(r, path);
    }

    static Header ReadHeader(BinaryReader r, string path)
    {
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a prox checkpoint.");
        int version = r.ReadInt32();
        if (version != Version)
            throw new InvalidDataException($"{path} has checkpoint format {version}; this build reads {Version}.");
        string config = r.ReadString();
        long steps = r.ReadInt64();
        var loop = new LoopState(r.ReadInt64(), r.ReadDouble(), r.ReadInt64(), r.ReadInt64(), r.ReadDouble());
        int files = r.ReadInt32();
        var offsets = new Dictionary<string, long>();
        for (int i = 0; i < files; i++) offsets[r.ReadString()] = r.ReadInt64();
        return new Header(config, steps, loop, offsets);
    }
}
