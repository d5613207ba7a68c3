using System.IO.Compression;
using System.Text.Json;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>The header line of a golden trace (docs/environments.md, "Conformance suite").</summary>
/// <param name="Game">Reference game name.</param>
/// <param name="Seed">Seed given to <c>seed(s)</c>.</param>
/// <param name="StickyActionProbability">Sticky-action probability.</param>
/// <param name="DifficultyRamping">Difficulty ramping on/off.</param>
/// <param name="StateShape">[10, 10, C].</param>
/// <param name="Steps">Number of <c>act</c> lines.</param>
public sealed record GoldenTraceHeader(string Game, int Seed, double StickyActionProbability, bool DifficultyRamping,
    int[] StateShape, int Steps);

/// <summary>The first difference between a trace and our replay.</summary>
/// <param name="Step">1-based index of the <c>act</c> call (0 = the initial reset).</param>
/// <param name="Line">1-based line number in the file.</param>
/// <param name="Field"><c>r</c>, <c>t</c> or <c>s[row, col, channel name]</c>.</param>
/// <param name="Expected">The trace's value.</param>
/// <param name="Got">Our value.</param>
public sealed record TraceMismatch(int Step, int Line, string Field, string Expected, string Got)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"MISMATCH at step {Step} (line {Line}): {Field}: expected {Expected}, got {Got}";
}

/// <summary>Outcome of <see cref="GoldenTrace.Replay(string)"/>.</summary>
/// <param name="Header">The trace's header.</param>
/// <param name="Steps">Steps (act lines) replayed up to the end or the first mismatch.</param>
/// <param name="Mismatch">The first mismatch, or null on a full match.</param>
public sealed record TraceReplayResult(GoldenTraceHeader Header, int Steps, TraceMismatch? Mismatch)
{
    /// <summary>Every state, reward and terminal matched.</summary>
    public bool Ok => Mismatch is null;
}

/// <summary>
/// The conformance runner: replays a golden trace recorded from reference MinAtar 1.0.15 through
/// <see cref="MinAtarEnvironment"/> (full action set) and compares every state, reward and terminal bit
/// for bit. The trace's state is [row][col][channel]; ours is [channel][row][col]: the conversion is here.
/// </summary>
public static class GoldenTrace
{
    /// <summary>Replays the gzipped JSON-lines trace at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Bad gzip, bad JSON, a
    /// missing or invalid field, a wrong state length.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static TraceReplayResult Replay(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return Replay(reader, path);
    }

    /// <summary>Replays trace lines from <paramref name="reader"/>;
    /// <paramref name="source"/> names it in errors.</summary>
    public static TraceReplayResult Replay(TextReader reader, string source)
    {
        int lineNumber = 0;
        string? ReadLine()
        {
            try
            {
                lineNumber++;
                return reader.ReadLine();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{source}: not a valid gzip file ({e.Message}).", e);
            }
        }

        var headerLine = ReadLine() ?? throw new InvalidDataException($"{source}: empty trace (no header line).");
        var header = ParseHeader(headerLine, source);
        var env = new MinAtarEnvironment(header.Game,
            new EnvironmentOptions(header.Seed, header.StickyActionProbability, header.DifficultyRamping, MinimalActions: false));
        int channels = env.Game.Channels;
        if (header.StateShape is not [10, 10, var c] || c != channels)
            throw new InvalidDataException(
                $"{source}: header field 'state_shape' is [{string.Join(", ", header.StateShape)}]; {header.Game} has [10, 10, {channels}].");
        int stateBytes = (100 * channels + 7) / 8;
        var ours = new byte[100 * channels];
        int steps = 0;
        bool sawInitialReset = false;

        while (ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            using var doc = ParseJson(line, source, lineNumber);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{source} line {lineNumber}: expected a JSON object.");
            var expected = ReadState(root, source, lineNumber, stateBytes);
            if (root.TryGetProperty("reset", out _))
            {
                if (sawInitialReset) env.Reset(); // the first reset line records the construction-time reset
                sawInitialReset = true;
            }
            else
            {
                if (!sawInitialReset)
                    throw new InvalidDataException($"{source} line {lineNumber}: the first line after the header must be a reset line.");
                int action = ReadInt(root, "a", source, lineNumber);
                if (action is < 0 or >= MinAtarAction.Count)
                    throw new InvalidDataException($"{source} line {lineNumber}: field 'a' is {action}; allowed 0..5.");
                double expectedReward = ReadNumber(root, "r", source, lineNumber);
                bool expectedTerminal = ReadBool(root, "t", source, lineNumber);
                steps++;
                var result = env.Step(action);
                if (result.Reward != expectedReward)
                    return new(header, steps, new TraceMismatch(steps, lineNumber, "r", Format(expectedReward), Format(result.Reward)));
                if (result.Terminated != expectedTerminal)
                    return new(header, steps, new TraceMismatch(steps, lineNumber, "t", Lower(expectedTerminal), Lower(result.Terminated)));
            }
            env.Observe(ours);
            var mismatch = CompareState(expected, ours, channels, env.Game.Info, steps, lineNumber);
            if (mismatch is not null) return new(header, steps, mismatch);
        }
        if (!sawInitialReset) throw new InvalidDataException($"{source}: no reset line after the header.");
        if (steps != header.Steps)
            throw new InvalidDataException($"{source}: header field 'steps' is {header.Steps} but the file has {steps} act lines.");
        return new(header, steps, null);
    }

    static string Lower(bool b) => b ? "true" : "false";
    static string Format(double v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Trace bit k = (row*10 + col)*C + channel, most significant
    // bit first; ours = (channel*10 + row)*10 + col.
    static TraceMismatch? CompareState(byte[] packed, byte[] ours, int channels, MinAtarGameInfo info, int step, int line)
    {
        for (int row = 0; row < 10; row++)
            for (int col = 0; col < 10; col++)
                for (int ch = 0; ch < channels; ch++)
                {
                    int k = (row * 10 + col) * channels + ch;
                    int expected = packed[k >> 3] >> (7 - (k & 7)) & 1;
                    int got = ours[(ch * 10 + row) * 10 + col];
                    if (expected != got)
                        return new TraceMismatch(step, line, $"s[row {row}, col {col}, channel {ch} {info.Channels[ch]}]",
                            expected.ToString(), got.ToString());
                }
        return null;
    }

    static GoldenTraceHeader ParseHeader(string line, string source)
    {
        using var doc = ParseJson(line, source, 1);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source} line 1: the header must be a JSON object.");
        string game = Require(root, "game", source, 1, JsonValueKind.String).GetString()!;
        if (!MinAtarGames.Names.Contains(game))
            throw new InvalidDataException($"{source} line 1: header field 'game' is '{game}'; allowed: {string.Join(", ", MinAtarGames.Names)}.");
        int seed = ReadInt(root, "seed", source, 1);
        double sticky = ReadNumber(root, "sticky_action_prob", source, 1);
        if (!(sticky >= 0 && sticky <= 1))
            throw new InvalidDataException($"{source} line 1: header field 'sticky_action_prob' is {sticky}; allowed [0, 1].");
        bool ramping = ReadBool(root, "difficulty_ramping", source, 1);
        var shapeElement = Require(root, "state_shape", source, 1, JsonValueKind.Array);
        var shape = new int[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (var e in shapeElement.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out shape[i++]))
                throw new InvalidDataException($"{source} line 1: header field 'state_shape' must be an array of integers.");
        }
        int steps = ReadInt(root, "steps", source, 1);
        return new GoldenTraceHeader(game, seed, sticky, ramping, shape, steps);
    }

    static JsonDocument ParseJson(string line, string source, int lineNumber)
    {
        try { return JsonDocument.Parse(line); }
        catch (JsonException e) { throw new InvalidDataException($"{source} line {lineNumber}: invalid JSON ({e.Message}).", e); }
    }

    static JsonElement Require(JsonElement root, string field, string source, int line, JsonValueKind kind)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new InvalidDataException($"{source} line {line}: missing field '{field}'.");
        if (value.ValueKind != kind)
            throw new InvalidDataException($"{source} line {line}: field '{field}' must be a {kind}, got {value.ValueKind}.");
        return value;
    }

    static int ReadInt(JsonElement root, string field, string source, int line) =>
        Require(root, field, source, line, JsonValueKind.Number).TryGetInt32(out var v)
            ? v
            : throw new InvalidDataException($"{source} line {line}: field '{field}' must be an integer.");

    static double ReadNumber(JsonElement root, string field, string source, int line) =>
        Require(root, field, source, line, JsonValueKind.Number).GetDouble();

    static bool ReadBool(JsonElement root, string field, string source, int line)
    {
        if (!root.TryGetProperty(field, out var value))
            throw new InvalidDataException($"{source} line {line}: missing field '{field}'.");
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InvalidDataException($"{source} line {line}: field '{field}' must be true or false, got {value.ValueKind}."),
        };
    }

    static byte[] ReadState(JsonElement root, string source, int line, int stateBytes)
    {
        string hex = Require(root, "s", source, line, JsonValueKind.String).GetString()!;
        byte[] bytes;
        try { bytes = Convert.FromHexString(hex); }
        catch (FormatException) { throw new InvalidDataException($"{source} line {line}: field 's' is not a hex string."); }
        if (bytes.Length != stateBytes)
            throw new InvalidDataException($"{source} line {line}: field 's' has {bytes.Length} bytes; expected {stateBytes} (state_shape packed 8 bits a byte).");
        return bytes;
    }
}
