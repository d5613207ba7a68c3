using System.CommandLine;
using System.Globalization;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Training;
using Research.Studies;

namespace Research.Cli.Commands;

/// <summary>
/// <c>prox train</c>: trains DQN, DQN Pro, Rainbow or Rainbow Pro from a preset with overrides into a run
/// directory (docs/run-format.md), with a progress display, Ctrl-C checkpointing and <c>--resume</c>.
/// </summary>
public sealed class TrainCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 30;

    /// <inheritdoc />
    public Command Build()
    {
        var config = new Option<string?>("--config") { Description = "A config file (JSON or YAML: config keys as in --set, e.g. a run's config.json); flags and --set override it." };
        var agent = new Option<string?>("--agent") { Description = "dqn, dqn-pro, rainbow or rainbow-pro (docs/agents.md). Default: the --config file's, else dqn." };
        var env = new Option<string?>("--env") { Description = "Environment: minatar:<game> (asterix, breakout, freeway, seaquest, space_invaders), cartpole, atari:<game>. Default: the preset's." };
        var preset = new Option<string?>("--preset") { Description = "minatar-reference, minatar-dopamine, atari-paper or cartpole for dqn/dqn-pro; minatar-dopamine, atari-paper or cartpole for rainbow/rainbow-pro (docs/agents.md). Default: the --config file's, else minatar-dopamine." };
        var frames = new Option<string?>("--frames") { Description = "Training frames (k/M suffixes allowed). Agent steps = frames / frame-skip (MinAtar: 1 step = 1 frame). Default: the preset's." };
        var seed = new Option<long?>("--seed") { Description = "Run seed; every random stream derives from it. Default: the --config file's, else 0." };
        var cTilde = new Option<string?>("--c-tilde") { Description = "c~ of DQN Pro / Rainbow Pro (mu = learning-rate / c~; inf = no pull). Default: the preset's (0.2 for dqn-pro; 0.05 for rainbow-pro, 0.2 on cartpole)." };
        var set = new Option<string[]>("--set") { Description = "Override any config key: --set key=value (repeatable; keys in docs/agents.md).", AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => [] };
        var output = new Option<string?>("--out") { Description = "Run directory. Default: runs/<agent>-<env>-s<seed>." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its checkpoint (only --frames may be given with it)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check everything a real run would (config, environment, --out; with --resume the checkpoint), print the resolved config as JSON and exit without training." };
        var command = new Command("train", "Train DQN / DQN Pro / Rainbow / Rainbow Pro into a run directory (config.json, metrics/*.csv, checkpoints/).");
        foreach (var o in new Option[] { config, agent, env, preset, frames, seed, cTilde, set, output, resume, dryRun })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            if (parse.GetValue(resume))
            {
                foreach (var o in new Option[] { config, agent, env, preset, seed, cTilde, set })
                    if (parse.GetResult(o) is { Implicit: false })
                        throw new UsageException(o.Name, "(given)", "no other flag than --out, --frames and --dry-run with --resume: the run's config.json is used");
                string dir = parse.GetValue(output) ?? throw new UsageException("--out", "(missing)", "the run directory to resume");
                return Resume(dir, parse.GetValue(frames), parse.GetValue(dryRun));
            }
            var resolved = new RunRequest(parse.GetValue(config), parse.GetValue(preset), parse.GetValue(agent), parse.GetValue(env),
                parse.GetValue(frames), parse.GetValue(seed), parse.GetValue(cTilde), parse.GetValue(set) ?? []).Resolve();
            string outDir = parse.GetValue(output) ?? Path.Combine("runs", $"{resolved.Agent}-{resolved.Environment.Replace(':', '-')}-s{resolved.Seed}");
            CliPaths.OutputDirectory("--out", outDir);
            Trainer.CheckStart(resolved, outDir);
            if (parse.GetValue(dryRun))
            {
                Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(resolved, RunDirectory.JsonOptions));
                return 0;
            }
            using var runLock = Lock(outDir);
            using var trainer = Trainer.Start(resolved, outDir, startChecked: true);
            return Train(trainer);
        });
        return command;
    }

    /// <summary>Locks the run directory for this process (docs/run-format.md,
    /// "Lock"), telling about a taken-over lock.</summary>
    static RunDirectoryLock Lock(string dir)
    {
        var runLock = RunDirectoryLock.Acquire(dir);
        if (runLock.TakenOver is { } note) Warn(note);
        return runLock;
    }

    /// <summary>A warning on stderr (stdout carries progress
    /// lines that <c>prox reproduce</c> parses).</summary>
    static void Warn(string message) => Console.Error.WriteLine($"warning: {message}");

    static int Resume(string dir, string? frames, bool dryRun)
    {
        CliPaths.RunDirectory("--out", dir, " (start a run with prox train --out)");
        var run = new RunDirectory(dir);
        var (config, _) = run.ReadConfig();
        long? total = null;
        if (frames is not null)
        {
            if (!ConfigOverrides.TryParseCount(frames, out long n) || n < 1)
                throw new UsageException("--frames", frames, "a positive integer (k/M/G suffixes allowed)");
            total = Math.Max(1, n / config.FrameSkip);
        }
        if (dryRun)
        {
            string? checkpoint = Checkpoint.Latest(run, Warn);
            long steps = checkpoint is null ? 0 : Checkpoint.ReadHeader(checkpoint).Steps;
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(config with { TotalSteps = total ?? config.TotalSteps }, RunDirectory.JsonOptions));
            Console.WriteLine($"would resume {run.Root} at step {steps}" + (checkpoint is null ? " (no checkpoint yet: from the start)" : $" from {checkpoint}"));
            return 0;
        }
        using var runLock = Lock(dir);
        using var trainer = Trainer.Resume(dir, total, notice: Warn);
        return Train(trainer);
    }

    static int Train(Trainer trainer)
    {
        var c = trainer.Config;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Agent} on {c.Environment} (preset {c.Preset}, seed {c.Seed}{(c.IsPro ? $", c~ {ConfigKeys.Format(c.CTilde)}, mu {trainer.Agent.Mu:G4}" : "")}): {c.TotalSteps} steps from step {trainer.Agent.Steps} -> {trainer.Run.Root}"));
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // let the loop write a checkpoint and return
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var result = TrainingProgress.Run(report => trainer.Train(cts.Token, report, progressEvery: 500),
                trainer.Agent.Steps, c.TotalSteps, TimeSpan.FromSeconds(10));
            if (!result.Completed)
            {
                Console.WriteLine($"interrupted at step {result.Steps}; checkpoint written. Continue with: prox train --resume --out {trainer.Run.Root}");
                return 130;
            }
            string eval = result.LastEvaluation is { } e
                ? string.Create(CultureInfo.InvariantCulture, $"; last evaluation: {e.MeanReturn:F2} +- {e.StdReturn:F2} over {e.Episodes} episodes")
                : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"done: {result.Steps} steps, {result.Episodes} episodes in {TimeSpan.FromSeconds(result.WallSeconds):hh\\:mm\\:ss}{eval}. Run: {trainer.Run.Root}"));
            return 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
