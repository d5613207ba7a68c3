using System.CommandLine;
using System.Globalization;
using Research.DeepAgents.Training;

namespace Research.Cli.Commands;

/// <summary><c>prox eval</c>: loads a run's latest checkpoint and reports the mean and standard deviation of evaluation returns.</summary>
public sealed class EvalCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 31;

    /// <inheritdoc />
    public Command Build()
    {
        var run = new Option<string>("--run") { Description = "Run directory (with checkpoints/checkpoint.bin).", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to evaluate (>= 1).", DefaultValueFactory = _ => 100 };
        var epsilon = new Option<double?>("--epsilon") { Description = "Exploration epsilon in [0, 1]. Default: the run's eval-epsilon." };
        var maxSteps = new Option<int?>("--max-episode-steps") { Description = "Episode time limit. Default: the run's max-episode-steps, or 27000 when it has none." };
        var command = new Command("eval", "Evaluate the last checkpoint of a run: mean and std of episode returns.");
        foreach (var o in new Option[] { run, episodes, epsilon, maxSteps })
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
            const string runDirectory = "a run directory written by prox train (with config.json)";
            CliPaths.InputDirectory("--run", dir, runDirectory);
            if (!File.Exists(Path.Combine(dir, "config.json")))
                throw new UsageException("--run", dir, runDirectory + "; this one has no config.json");

            var (config, agent, steps) = TrainedAgent.Load(dir, notice: note => Console.Error.WriteLine($"warning: {note}"));
            using (agent)
            {
                int limit = cap ?? (config.MaxEpisodeSteps > 0 ? config.MaxEpisodeSteps : 27_000);
                var evalConfig = ConfigOverrides.Set(config, "max-episode-steps", limit.ToString(CultureInfo.InvariantCulture));
                var result = Evaluation.Run(agent, evalConfig, index: 0, episodes: n, epsilon: eps);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{config.Agent} on {config.Environment} after {steps} steps: mean return {result.MeanReturn:F3} +- {result.StdReturn:F3} (std) over {result.Episodes} episodes (min {result.MinReturn}, max {result.MaxReturn}, mean length {result.MeanLength:F1}, epsilon {ConfigKeys.Format(eps ?? config.EvalEpsilon)})"));
            }
            return 0;
        });
        return command;
    }
}
