// `prox env ...`: MinAtar / classic-control environment tools.
//
// How subcommands attach: EnvCommand (an ICliCommand, found by Program.cs) builds the `env` command and
// adds one subcommand for every non-abstract class in this assembly implementing IEnvSubcommand
// (discovered by reflection, ordered by Order). To add `prox env <name>`, add one file in Commands/
// with a sealed class implementing IEnvSubcommand (public parameterless constructor). This file holds
// `replay` (Order 10: the conformance runner) and `info` (Order 20); `render` lives in EnvRenderCommand.cs.
using System.CommandLine;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Environments.Atari;
using Research.DeepAgents.Environments.MinAtar;

namespace Research.Cli.Commands;

/// <summary>A subcommand of <c>prox env</c>, discovered by
/// reflection (see the top of EnvCommand.cs).</summary>
public interface IEnvSubcommand
{
    /// <summary>Position in the help listing.</summary>
    int Order { get; }

    /// <summary>Builds the subcommand with its options and action.</summary>
    Command Build();
}

/// <summary>The <c>env</c> command: environment tools; its subcommands
/// are the <see cref="IEnvSubcommand"/> implementations.</summary>
public sealed class EnvCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 50;

    /// <inheritdoc />
    public Command Build() => Create();

    /// <summary>Builds <c>env</c> with every
    /// <see cref="IEnvSubcommand"/> of this assembly attached.</summary>
    public static Command Create()
    {
        var env = new Command("env", "Environment tools: conformance replay of golden traces, game info.");
        foreach (var sub in CommandDiscovery.BuildAll<IEnvSubcommand>(c => c.Order, c => c.Build()))
            env.Subcommands.Add(sub);
        return env;
    }
}

/// <summary>
/// <c>prox env replay --trace FILE.jsonl.gz</c>: replays a golden trace
/// (docs/environments.md, "Conformance suite")
/// and prints <c>OK &lt;steps&gt; steps</c> (exit 0) or the first mismatch (exit 1). A malformed file or
/// a missing file exits 2.
/// </summary>
public sealed class EnvReplayCommand : IEnvSubcommand
{
    /// <inheritdoc />
    public int Order => 10;

    /// <inheritdoc />
    public Command Build()
    {
        var trace = new Option<string>("--trace")
        {
            Description = "Golden trace recorded from reference MinAtar 1.0.15 (gzipped JSON lines).",
            Required = true,
        };
        var command = new Command("replay", "Replay a golden trace and compare every state, reward and terminal bit for bit.");
        command.Options.Add(trace);
        command.SetAction(parseResult =>
        {
            string path = parseResult.GetValue(trace)!;
            if (!File.Exists(path))
                throw new UsageException("--trace", path, "an existing gzipped JSON-lines trace file");
            TraceReplayResult result;
            try
            {
                result = GoldenTrace.Replay(path);
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine($"error: malformed trace: {e.Message}");
                return CliRunner.UsageError;
            }
            if (result.Ok)
            {
                Console.WriteLine($"OK {result.Steps} steps");
                return 0;
            }
            Console.WriteLine(result.Mismatch!.ToString());
            return 1;
        });
        return command;
    }
}

/// <summary>
/// <c>prox env info --game seaquest</c>: channels, full and minimal actions, and options of a game;
/// <c>prox env info --env atari:tetris</c>: the ROM's path and
/// MD5, the ALE's minimal and legal actions, modes, difficulties.
/// </summary>
public sealed class EnvInfoCommand : IEnvSubcommand
{
    /// <inheritdoc />
    public int Order => 20;

    /// <inheritdoc />
    public Command Build()
    {
        var game = new Option<string>("--game", "--env")
        {
            Description = $"Game or environment id: {string.Join(", ", MinAtarGames.Names)} (or minatar:<game>), cartpole, atari:<game> (ALE names).",
            Required = true,
        };
        var romDir = new Option<string?>("--rom-dir") { Description = "atari:<game>: directory of <game>.bin ROM files (default: the ALE_ROM_DIR environment variable)." };
        var command = new Command("info", "Print a game's channels or screen, actions (full and minimal) and options; for atari:<game> the ROM and its MD5, modes and difficulties.");
        command.Options.Add(game);
        command.Options.Add(romDir);
        command.SetAction(parseResult =>
        {
            string name = parseResult.GetValue(game)!;
            if (name.StartsWith(AtariCli.Prefix, StringComparison.Ordinal))
            {
                using var atari = AtariCli.Open(name, parseResult.GetValue(romDir), seed: 0, stickyActionProbability: 0);
                PrintAtari(atari);
                return 0;
            }
            string bare = name.StartsWith("minatar:", StringComparison.Ordinal) ? name["minatar:".Length..] : name;
            if (bare == "cartpole")
            {
                PrintCartPole();
                return 0;
            }
            var info = MinAtarGames.All.FirstOrDefault(g => g.Name == bare)
                ?? throw new UsageException("--game", name, string.Join(", ", MinAtarGames.Names.Append("cartpole")));
            PrintMinAtar(info);
            return 0;
        });
        return command;
    }

    static void PrintMinAtar(MinAtarGameInfo info)
    {
        Console.WriteLine($"environment: minatar:{info.Name} (bit-exact with MinAtar 1.0.15)");
        Console.WriteLine($"observation: [{info.Channels.Count}, 10, 10] binary, channels-first");
        Console.WriteLine("channels:");
        for (int c = 0; c < info.Channels.Count; c++) Console.WriteLine($"  {c} {info.Channels[c]}");
        Console.WriteLine("actions (full):");
        for (int a = 0; a < MinAtarAction.Count; a++) Console.WriteLine($"  {a} {MinAtarAction.Names[a]}");
        Console.WriteLine("actions (minimal; agent index -> full action):");
        for (int i = 0; i < info.MinimalActions.Count; i++)
            Console.WriteLine($"  {i} -> {info.MinimalActions[i]} {MinAtarAction.Names[info.MinimalActions[i]]}");
        var d = EnvironmentOptions.Default;
        Console.WriteLine("options:");
        Console.WriteLine($"  seed                       default {d.Seed}");
        Console.WriteLine($"  sticky_action_probability  default {d.StickyActionProbability} (in [0, 1])");
        Console.WriteLine($"  difficulty_ramping         default {(d.DifficultyRamping ? "on" : "off")}");
        Console.WriteLine($"  minimal_actions            default {(d.MinimalActions ? "on" : "off")}");
    }

    static void PrintAtari(AtariPreprocessing environment)
    {
        var ale = (NativeAleEmulator)environment.Emulator;
        Console.WriteLine($"environment: {environment.Name} (ALE {ale.AleVersion} through {ale.LibraryPath})");
        Console.WriteLine($"rom: {Path.GetFullPath(ale.RomPath)}");
        Console.WriteLine($"md5: {ale.RomMd5} (matches the ALE's {ale.Game})");
        Console.WriteLine($"screen: {IAtariEmulator.ScreenHeight} x {IAtariEmulator.ScreenWidth} (grayscale, RGB); observation [1, 84, 84] after the paper's preprocessing");
        Console.WriteLine("actions (minimal; agent index -> ALE action):");
        for (int i = 0; i < ale.MinimalActionSet.Count; i++)
            Console.WriteLine($"  {i} -> {ale.MinimalActionSet[i]} {ale.ActionName(ale.MinimalActionSet[i])}");
        Console.WriteLine("actions (legal):");
        foreach (int a in ale.LegalActionSet) Console.WriteLine($"  {a} {ale.ActionName(a)}");
        var (mode, difficulty) = ale.CurrentMode;
        Console.WriteLine($"modes: {string.Join(", ", ale.Modes)} (default {mode})");
        Console.WriteLine($"difficulties: {string.Join(", ", ale.Difficulties)} (default {difficulty})");
    }

    static void PrintCartPole()
    {
        Console.WriteLine("environment: cartpole (Gym CartPole-v1 physics, 500-step limit)");
        Console.WriteLine("observation: [1, 1, 4] features: x, x_dot, theta, theta_dot");
        Console.WriteLine("actions:");
        Console.WriteLine("  0 push left");
        Console.WriteLine("  1 push right");
        Console.WriteLine("options:");
        Console.WriteLine($"  seed                       default {EnvironmentOptions.Default.Seed} (other options do not apply)");
    }
}
