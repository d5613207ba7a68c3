using System.CommandLine;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Environments.Atari;
using Research.DeepAgents.Environments.MinAtar;
using Research.DeepAgents.Rendering;

namespace Research.Cli.Commands;

/// <summary>
/// <c>prox env render --env atari:tetris --out tetris.gif</c>: the real RGB screens of an Atari game (one per
/// agent step, <see cref="AtariRecorder"/>).
/// <c>prox env render --game breakout --seed 0 --steps 300 --policy random --out breakout.gif</c>: plays a
/// MinAtar game with a random or noop policy and draws it (grid, legend, status) as an animated GIF, or, when
/// <c>--out</c> ends in <c>.png</c>, as one PNG of the state after the last step. Episodes that end show
/// their terminal frame, then the game resets and play continues
/// (see <see cref="MinAtarRecorder"/> for the exact frame sequence).
/// </summary>
public sealed class EnvRenderCommand : IEnvSubcommand
{
    /// <inheritdoc />
    public int Order => 30;

    /// <inheritdoc />
    public Command Build()
    {
        var game = new Option<string>("--game", "--env") { Description = $"MinAtar game: {string.Join(", ", MinAtarGames.Names)} (or minatar:<game>), or atari:<game> (real ALE screens).", Required = true };
        var romDir = new Option<string?>("--rom-dir") { Description = "atari:<game>: directory of <game>.bin ROM files (default: the ALE_ROM_DIR environment variable)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the environment and of the random policy (>= 0).", DefaultValueFactory = _ => 0 };
        var steps = new Option<int>("--steps") { Description = "Number of actions to play (>= 1).", DefaultValueFactory = _ => 300 };
        var policy = new Option<string>("--policy") { Description = "random (uniform over the 6 actions, seeded from --seed) or noop.", DefaultValueFactory = _ => "random" };
        var output = new Option<string>("--out") { Description = "Output file: .gif (animation of every step) or .png (the state after --steps steps).", Required = true };
        var sticky = new Option<double?>("--sticky") { Description = $"Sticky-action probability in [0, 1] (default: {EnvironmentOptions.Default.StickyActionProbability} for MinAtar, 0 for atari:<game> as in the paper)." };
        var ramping = new Option<bool>("--ramping") { Description = "Difficulty ramping (true/false).", DefaultValueFactory = _ => EnvironmentOptions.Default.DifficultyRamping };
        var scale = new Option<int>("--scale") { Description = "Pixels per grid cell (4..128).", DefaultValueFactory = _ => 24 };
        var mode = new Option<int>("--mode") { Description = "atari:<game>: the game mode (prox env info lists the ROM's modes; -1 = the game's default).", DefaultValueFactory = _ => -1 };
        var difficulty = new Option<int>("--difficulty") { Description = "atari:<game>: the difficulty switch (prox env info lists them; -1 = the game's default).", DefaultValueFactory = _ => -1 };
        var fps = new Option<int>("--fps") { Description = "GIF frames per second (1..50); a frame that ends an episode stays 5 frame times.", DefaultValueFactory = _ => 10 };

        var command = new Command("render", "Draw a MinAtar game or an Atari game (real ALE screens) played by a random or noop policy as an animated GIF or a PNG.");
        foreach (var option in new Option[] { game, romDir, mode, difficulty, seed, steps, policy, output, sticky, ramping, scale, fps })
            command.Options.Add(option);
        command.SetAction(parseResult =>
        {
            string gameId = parseResult.GetValue(game)!;
            bool atari = gameId.StartsWith(AtariCli.Prefix, StringComparison.Ordinal);
            string gameName = atari ? gameId : ParseGame(gameId);
            string path = parseResult.GetValue(output)!;
            bool png = ParseFormat(path);
            int seedValue = Check(parseResult.GetValue(seed), "--seed", v => v >= 0, "an integer >= 0");
            var recording = new RecordingOptions(
                Steps: Check(parseResult.GetValue(steps), "--steps", v => v >= 1, "an integer >= 1"),
                Policy: ParsePolicy(parseResult.GetValue(policy)!),
                PolicySeed: seedValue,
                CellSize: Check(parseResult.GetValue(scale), "--scale", v => v is >= 4 and <= 128, "an integer in 4..128 (pixels per cell)"),
                FramesPerSecond: Check(parseResult.GetValue(fps), "--fps", v => v is >= 1 and <= 50, "an integer in 1..50"));
            double stickyProbability = parseResult.GetValue(sticky) ?? (atari ? 0.0 : EnvironmentOptions.Default.StickyActionProbability);
            if (!(stickyProbability is >= 0.0 and <= 1.0))
                throw new UsageException("--sticky", stickyProbability.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "a probability in [0, 1]");

            int modeValue = parseResult.GetValue(mode), difficultyValue = parseResult.GetValue(difficulty);
            if (!atari && (modeValue, difficultyValue) != (-1, -1))
                throw new UsageException(modeValue != -1 ? "--mode" : "--difficulty",
                    (modeValue != -1 ? modeValue : difficultyValue).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-1 (only atari:<game> has modes and difficulties)");
            if (atari)
            {
                using var atariEnvironment = AtariCli.Open(gameId, parseResult.GetValue(romDir), seedValue, stickyProbability,
                    modeValue, difficultyValue);
                return Write(path, png, $"{gameId} (RGB)", "games", file => png
                    ? AtariRecorder.WritePng(atariEnvironment, recording, file)
                    : AtariRecorder.WriteGif(atariEnvironment, recording, file));
            }
            var environment = new MinAtarEnvironment(gameName, new EnvironmentOptions(
                Seed: seedValue, StickyActionProbability: stickyProbability, DifficultyRamping: parseResult.GetValue(ramping)));
            return Write(path, png, gameName, "episodes", file => png
                ? MinAtarRecorder.WritePng(environment, recording, file)
                : MinAtarRecorder.WriteGif(environment, recording, file));
        });
        return command;
    }

    /// <summary>Writes the recording to <paramref name="path"/> and says what was written;
    /// <paramref name="what"/> names the game, <paramref name="ended"/> what its ended episodes
    /// are called.</summary>
    private static int Write(string path, bool png, string what, string ended, Func<Stream, RecordingSummary> write)
    {
        RecordingSummary s;
        using (var file = File.Create(path))
            s = write(file);
        Console.WriteLine(png
            ? $"wrote {path}: {s.Width}x{s.Height} PNG of {what} after {s.Steps} steps ({s.EpisodesEnded} {ended} ended)"
            : $"wrote {path}: {s.Frames} frames {s.Width}x{s.Height} GIF of {what}, {s.Steps} steps ({s.EpisodesEnded} {ended} ended)");
        return 0;
    }

    private static string ParseGame(string value)
    {
        string bare = value.StartsWith("minatar:", StringComparison.Ordinal) ? value["minatar:".Length..] : value;
        return MinAtarGames.Names.Contains(bare) ? bare : throw new UsageException("--game", value, string.Join(", ", MinAtarGames.Names));
    }

    /// <summary>True for .png, false for .gif (case-insensitive); the directory must exist.</summary>
    private static bool ParseFormat(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".gif" or ".png"))
            throw new UsageException("--out", path, "a file name ending in .gif (animation) or .png (last frame)");
        CliPaths.OutputFile("--out", path);
        return extension == ".png";
    }

    private static RenderPolicy ParsePolicy(string value) => value switch
    {
        "random" => RenderPolicy.Random,
        "noop" => RenderPolicy.Noop,
        _ => throw new UsageException("--policy", value, "random, noop"),
    };

    private static int Check(int value, string flag, Func<int, bool> ok, string allowed) =>
        ok(value) ? value : throw new UsageException(flag, value.ToString(System.Globalization.CultureInfo.InvariantCulture), allowed);
}
