using System.Globalization;
using System.IO.Hashing;
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
/// the last complete checkpoint. Layout: the content (magic, format version, the resolved config as JSON,
/// agent steps, <see cref="LoopState"/>, metrics offsets, environment state, agent state), then a footer:
/// <c>PROXHASH</c>, the content length and the XxHash128 of the content, verified before anything is
/// restored. The checkpoint it replaces is kept as checkpoints/checkpoint.previous.bin when it verifies.
/// </summary>
public static class Checkpoint
{
    static readonly byte[] Magic = "PROXCKPT"u8.ToArray();
    static readonly byte[] FooterMagic = "PROXHASH"u8.ToArray();
    const int HeadLength = 12;            // magic + format version
    const int FooterLength = 8 + 8 + 16;  // footer magic + content length + XxHash128

    /// <summary>The format version this build writes (it also reads <see cref="LegacyVersion"/>).</summary>
    public const int Version = 2;
    /// <summary>Format 1: no checksum (a trailing magic only); read with a warning.</summary>
    public const int LegacyVersion = 1;

    /// <summary>Header fields read before the bulky states.</summary>
    /// <param name="ConfigJson">The resolved config the run was started with.</param>
    /// <param name="Steps">Agent steps done.</param>
    /// <param name="Loop">The loop state.</param>
    /// <param name="MetricsOffsets">Byte length of every metrics file at the checkpoint.</param>
    public sealed record Header(string ConfigJson, long Steps, LoopState Loop, IReadOnlyDictionary<string, long> MetricsOffsets);

    /// <summary>
    /// Writes a checkpoint to <paramref name="path"/> atomically. With <paramref name="previousPath"/>, the
    /// checkpoint being replaced is first renamed there when it verifies (a damaged one is not kept).
    /// </summary>
    public static void Write(string path, Header header, byte[] environmentState, Action<BinaryWriter> writeAgent, string? previousPath = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(environmentState);
        ArgumentNullException.ThrowIfNull(writeAgent);
        AtomicFile.Write(path, stream =>
        {
            var content = new ChecksumStream(stream);
            using (var w = new BinaryWriter(content, Encoding.UTF8, leaveOpen: true))
            {
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
            }
            using var footer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            footer.Write(FooterMagic);
            footer.Write(content.Written);
            footer.Write(content.Hash());
        }, previousPath is null ? null : () => KeepAsPrevious(path, previousPath));
    }

    /// <summary>Renames a verified <paramref name="path"/> to
    /// <paramref name="previousPath"/> (rename(2), atomic).</summary>
    static void KeepAsPrevious(string path, string previousPath)
    {
        if (!File.Exists(path)) return;
        try { Verify(path); }
        catch (CheckpointDamagedException) { return; } // keep the older good one instead
        File.Move(path, previousPath, overwrite: true);
    }

    /// <summary>
    /// Checks <paramref name="path"/> without restoring anything: size, magic, format, footer, content length
    /// and checksum. Returns the format version (<see cref="LegacyVersion"/> files have no checksum to
    /// check); throws <see cref="CheckpointDamagedException"/> naming the file and what is wrong.
    /// </summary>
    public static int Verify(string path)
    {
        if (!File.Exists(path))
            throw new CheckpointDamagedException(path, $"{path} does not exist.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        long length = stream.Length;
        if (length == 0)
            throw Damaged(path, "is empty (0 bytes): the write that made it never finished");
        if (length < HeadLength)
            throw Damaged(path, $"is truncated ({length} bytes): too short to hold a checkpoint header");
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            throw Damaged(path, "is not a prox checkpoint: it does not start with PROXCKPT");
        int version = r.ReadInt32();
        if (version == LegacyVersion) return version;
        if (version != Version)
            throw Damaged(path, $"has checkpoint format {version}; this build reads formats {LegacyVersion} and {Version}");
        if (length < HeadLength + FooterLength)
            throw Damaged(path, $"is truncated ({length} bytes): its checksum footer is missing");
        stream.Seek(length - FooterLength, SeekOrigin.Begin);
        if (!r.ReadBytes(FooterMagic.Length).AsSpan().SequenceEqual(FooterMagic))
            throw Damaged(path, $"is truncated or damaged ({length} bytes): its checksum footer (PROXHASH) is missing");
        long contentLength = r.ReadInt64();
        byte[] recorded = r.ReadBytes(16);
        if (contentLength != length - FooterLength)
            throw Damaged(path, $"is truncated or damaged: its footer records {contentLength} content bytes but the file holds {length - FooterLength}");
        stream.Seek(0, SeekOrigin.Begin);
        var hash = new XxHash128();
        byte[] buffer = new byte[1 << 20];
        for (long left = contentLength; left > 0;)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n == 0) throw Damaged(path, "ended while its checksum was computed");
            hash.Append(buffer.AsSpan(0, n));
            left -= n;
        }
        byte[] actual = hash.GetCurrentHash();
        if (!actual.AsSpan().SequenceEqual(recorded))
            throw Damaged(path, $"is damaged: checksum mismatch (XxHash128 of its {contentLength} content bytes is {Convert.ToHexStringLower(actual)}, the footer records {Convert.ToHexStringLower(recorded)})");
        return version;
    }

    /// <summary>
    /// The checkpoint of <paramref name="run"/> to restore from, verified: the latest, or when it is missing
    /// or damaged the previous one (saying so through <paramref name="notice"/>).
    /// Null when the run has no checkpoint at all. Throws
    /// <see cref="CheckpointDamagedException"/> when checkpoints exist but none verifies. A format-1
    /// checkpoint (no checksum) is used with a warning.
    /// </summary>
    public static string? Latest(RunDirectory run, Action<string>? notice = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        notice ??= _ => { };
        string latest = run.CheckpointPath, previous = run.PreviousCheckpointPath;
        if (!File.Exists(latest) && !File.Exists(previous)) return null;
        string why;
        try
        {
            Use(latest, notice);
            return latest;
        }
        catch (CheckpointDamagedException e) { why = e.Message.TrimEnd('.'); }
        try
        {
            Use(previous, notice);
        }
        catch (CheckpointDamagedException e)
        {
            throw new CheckpointDamagedException(latest,
                $"{why}; the previous checkpoint cannot be used either ({e.Message.TrimEnd('.')}). The run cannot continue exactly: " +
                $"start it again in another directory, or delete {run.CheckpointsDirectory} and resume to restart it from step 0.");
        }
        notice($"{why}; resuming from the previous checkpoint {previous} instead (metrics are cut back to its offsets).");
        return previous;
    }

    static void Use(string path, Action<string> notice)
    {
        if (Verify(path) == LegacyVersion)
            notice($"{path} has checkpoint format {LegacyVersion} (written by an older prox, without a checksum): it is loaded unverified.");
    }

    /// <summary>
    /// Verifies <paramref name="path"/>, then reads it: the
    /// header, the environment state, then the agent through
    /// <paramref name="readAgent"/>.
    /// </summary>
    public static Header Read(string path, Action<byte[]> readEnvironment, Action<BinaryReader> readAgent)
    {
        ArgumentNullException.ThrowIfNull(readEnvironment);
        ArgumentNullException.ThrowIfNull(readAgent);
        Verify(path);
        return ReadVerified(path, readEnvironment, readAgent);
    }

    /// <summary>As <see cref="Read"/> for a path <see cref="Latest"/> has just verified: the whole-file
    /// hash is not computed again.</summary>
    internal static Header ReadVerified(string path, Action<byte[]> readEnvironment, Action<BinaryReader> readAgent)
    {
        return Parse(path, r =>
        {
            var header = ReadHeader(r, path);
            int version = VersionOf(r);
            int envLength = r.ReadInt32();
            if (envLength < 0 || envLength > r.BaseStream.Length) throw Damaged(path, $"records an environment state of {envLength} bytes");
            readEnvironment(r.ReadBytes(envLength));
            readAgent(r);
            long end = version == LegacyVersion ? r.BaseStream.Length - Magic.Length : r.BaseStream.Length - FooterLength;
            if (version == LegacyVersion && !r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw Damaged(path, "is truncated or damaged (format 1: its trailing PROXCKPT is missing)");
            if (version == Version && r.BaseStream.Position != end)
                throw Damaged(path, $"holds state this build does not read ({end - r.BaseStream.Position} bytes left over)");
            return header;
        });
    }

    /// <summary>Reads only the header (cheap: no checksum; call
    /// <see cref="Verify"/> or <see cref="Latest"/> first).</summary>
    public static Header ReadHeader(string path) => Parse(path, r => ReadHeader(r, path));

    /// <summary>Runs <paramref name="read"/> on the file; a read past
    /// its end or a nonsense length is reported as damage.</summary>
    static T Parse<T>(string path, Func<BinaryReader, T> read)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            return read(r);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or ArgumentException or OverflowException
                                      or DecoderFallbackException or OutOfMemoryException)
        {
            throw Damaged(path, $"is truncated or damaged: reading it failed ({e.Message.TrimEnd('.')})");
        }
    }

    // The format version (after the magic) without moving the reader.
    static int VersionOf(BinaryReader r)
    {
        long position = r.BaseStream.Position;
        r.BaseStream.Position = Magic.Length;
        int version = r.ReadInt32();
        r.BaseStream.Position = position;
        return version;
    }

    static Header ReadHeader(BinaryReader r, string path)
    {
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            throw Damaged(path, "is not a prox checkpoint: it does not start with PROXCKPT");
        int version = r.ReadInt32();
        if (version is not (LegacyVersion or Version))
            throw Damaged(path, $"has checkpoint format {version}; this build reads formats {LegacyVersion} and {Version}");
        string config = r.ReadString();
        long steps = r.ReadInt64();
        var loop = new LoopState(r.ReadInt64(), r.ReadDouble(), r.ReadInt64(), r.ReadInt64(), r.ReadDouble());
        int files = r.ReadInt32();
        if (files is < 0 or > 1000) throw Damaged(path, $"records {files.ToString(CultureInfo.InvariantCulture)} metrics files");
        var offsets = new Dictionary<string, long>();
        for (int i = 0; i < files; i++) offsets[r.ReadString()] = r.ReadInt64();
        return new Header(config, steps, loop, offsets);
    }

    static CheckpointDamagedException Damaged(string path, string problem) => new(path, $"{path} {problem}.");
}
