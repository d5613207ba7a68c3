using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments.Atari;
using Research.DeepAgents.Environments.MinAtar;
using Research.DeepAgents.Rendering;
using Research.DeepAgents.Training;
using Research.Random;

namespace Research.Cli.Commands;

/// <summary>
/// <c>prox eval</c>: loads a run's latest checkpoint and reports the mean and standard deviation of
/// evaluation returns (as text or <c>--json</c>); <c>--gif</c> records the trained agent playing one episode
/// (MinAtar: the grid; Atari: the emulator's RGB screens) as a GIF or PNG.
/// </summary>
public sealed class EvalCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 31;

    /// <inheritdoc />
    public Command Build()
    {
        var run = new Option<string>("--run") { Description = "Run directory (with checkpoints/checkpoint.bin).", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to evaluate (>= 1).", DefaultValueFactory = _ => 100 };
        var epsilon = new Option<double?>("--epsilon") { Description = "Exploration epsilon in [0, 1]. Default: the run's eval-epsilon (0 for --gif: greedy)." };
        var maxSteps = new Option<int?>("--max-episode-steps") { Description = "Episode time limit. Default: the run's max-episode-steps, or 27000 when it has none." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object (machine-readable) instead of a sentence." };
        var gif = new Option<string?>("--gif") { Description = "Also record the agent playing one episode (MinAtar grid, or an Atari game's RGB screens): OUT.gif (animated) or OUT.png (its last frame), the return in the status lines below." };
        var gifSteps = new Option<int>("--gif-steps") { Description = "Longest recorded episode, in steps.", DefaultValueFactory = _ => 1000 };
        var cell = new Option<int>("--cell-size") { Description = "Recorded MinAtar grid cell side in pixels (4..128; Atari screens are 160x210).", DefaultValueFactory = _ => 24 };
        var fps = new Option<int>("--fps") { Description = "Recorded GIF frames per second (1..50).", DefaultValueFactory = _ => 10 };
        var command = new Command("eval", "Evaluate the last checkpoint of a run: mean and std of episode returns; optionally a GIF of the agent playing.");
        foreach (var o in new Option[] { run, episodes, epsilon, maxSteps, json, gif, gifSteps, cell, fps })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            int n = parse.GetValue(episodes);
            if (n < 1) throw new UsageException("--episodes", n.ToString(CultureInfo.InvariantCulture), "an integer >= 1");
            double? eps = parse.GetValue(epsilon);
            if (eps is double e && !(e >= 0 && e <= 1)) throw new UsageException("--epsilon", e.ToString(CultureInfo.InvariantCulture), "[0, 1]");
            int? cap = parse.GetValue(maxSteps);
            if (cap is int c && c < 1) throw new UsageException("--max-episode-steps", c.ToString(CultureInfo.InvariantCulture), "an integer >= 1");
            string dir = parse.GetValue(run)!;
            CliPaths.RunDirectory("--run", dir);
            string? video = parse.GetValue(gif);
            bool png = video is not null && video.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
            if (video is not null && !png && !video.EndsWith(".gif", StringComparison.OrdinalIgnoreCase))
                throw new UsageException("--gif", video, "a file name ending in .gif (animation) or .png (last frame)");
            var recording = new RecordingOptions(PlanningArgs.AtLeast(parse.GetValue(gifSteps), 1, "--gif-steps"), RenderPolicy.Random, 0,
                parse.GetValue(cell), parse.GetValue(fps));
            if (recording.CellSize is < 4 or > 128) throw new UsageException("--cell-size", recording.CellSize.ToString(CultureInfo.InvariantCulture), "4..128");
            if (recording.FramesPerSecond is < 1 or > 50) throw new UsageException("--fps", recording.FramesPerSecond.ToString(CultureInfo.InvariantCulture), "1..50");

            var (config, agent, steps) = TrainedAgent.Load(dir, notice: note => Console.Error.WriteLine($"warning: {note}"));
            using (agent)
            {
                // Refuse --gif before the evaluation episodes run; Record checks the environment type again.
                if (video is not null && !config.Environment.StartsWith("minatar:", StringComparison.Ordinal)
                    && !config.Environment.StartsWith(AtariEnvironment.Prefix, StringComparison.Ordinal))
                    throw new UsageException("--gif", config.Environment, GifEnvironments);
                int limit = cap ?? (config.MaxEpisodeSteps > 0 ? config.MaxEpisodeSteps : 27_000);
                var evalConfig = ConfigOverrides.Set(config, "max-episode-steps", limit.ToString(CultureInfo.InvariantCulture));
                var result = Evaluation.Run(agent, evalConfig, index: 0, episodes: n, epsilon: eps);
                RecordingSummary? recorded = video is null ? null : Record(agent, evalConfig, eps ?? 0, recording, png, video);
                if (parse.GetValue(json))
                {
                    var o = new JsonObject
                    {
                        ["run"] = Path.GetFullPath(dir), ["agent"] = config.Agent, ["environment"] = config.Environment, ["seed"] = config.Seed,
                        ["cTilde"] = config.IsPro ? ConfigKeys.Format(config.CTilde) : null, ["steps"] = steps,
                        ["epsilon"] = eps ?? config.EvalEpsilon, ["episodes"] = result.Episodes, ["meanReturn"] = result.MeanReturn,
                        ["stdReturn"] = result.StdReturn, ["minReturn"] = result.MinReturn, ["maxReturn"] = result.MaxReturn,
                        ["meanLength"] = result.MeanLength,
                    };
                    if (recorded is not null)
                        o["recording"] = new JsonObject
                        {
                            ["file"] = Path.GetFullPath(video!), ["frames"] = recorded.Frames, ["steps"] = recorded.Steps,
                            ["return"] = recorded.Return, ["episodeEnded"] = recorded.EpisodesEnded > 0,
                        };
                    Console.WriteLine(o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                    return 0;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{config.Agent} on {config.Environment} after {steps} steps: mean return {result.MeanReturn:F3} +- {result.StdReturn:F3} (std) over {result.Episodes} episodes (min {result.MinReturn}, max {result.MaxReturn}, mean length {result.MeanLength:F1}, epsilon {ConfigKeys.Format(eps ?? config.EvalEpsilon)})"));
                if (recorded is not null)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"recorded {recorded.Steps} steps (return {recorded.Return:0.##}{(recorded.EpisodesEnded > 0 ? ", episode ended" : "")}), {recorded.Frames} frame(s), {recorded.Width}x{recorded.Height}: {Path.GetFullPath(video!)}"));
            }
            return 0;
        });
        return command;
    }

    const string GifEnvironments = "a run on a MinAtar game (minatar:<game>) or an Atari game (atari:<game>)";

    /// <summary>One episode of <paramref name="agent"/> (epsilon-greedy, its
    /// own seeded streams) drawn into <paramref name="path"/>.</summary>
    static RecordingSummary Record(Research.DeepAgents.Agents.IAgent agent, TrainingConfig config, double epsilon, RecordingOptions options, bool png, string path)
    {
        string stream = $"{Seeds.Evaluation}-recording";
        var env = TrainingEnvironments.Create(config, Seeds.DeriveInt(config.Seed, stream));
        try
        {
            var random = new Xoshiro256(Seeds.Derive(config.Seed, stream + "-actions"));
            var observation = new float[env.Observation.Size];
            int Policy()
            {
                env.Observe(observation);
                return agent.SelectAction(observation, epsilon, random);
            }
            var atari = env as AtariPreprocessing ?? (env as FrameStack)?.Inner as AtariPreprocessing;
            if (env is not MinAtarEnvironment && atari is null)
                throw new UsageException("--gif", config.Environment, GifEnvironments);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using var file = File.Create(path);
            return atari is not null
                ? AtariEpisodeRecorder.WriteEpisode(atari, env, options, Policy, png, file)
                : MinAtarRecorder.WriteEpisode((MinAtarEnvironment)env, options, Policy, png, file);
        }
        finally
        {
            (env as IDisposable)?.Dispose();
        }
    }
}
