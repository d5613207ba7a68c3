using System.CommandLine;
using Research.Cli.Reproduce;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Training;
using Research.Studies;
using Research.Studies.Reproduce;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary>
/// <c>prox reproduce</c>, the main job (docs/reproduce.md): (a) the planning study of docs/planning.md
/// ("Experiments") and (b) DQN vs DQN Pro on MinAtar, as independent, resumable run directories executed in
/// parallel, then every figure and a table of what was run in OUT/report.html.
/// </summary>
public sealed class ReproduceCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 5;

    /// <inheritdoc />
    public Command Build()
    {
        var budget = new Option<string>("--budget") { Description = "tiny (tests, < 1 min), small (default, ~10 min on 2 cores) or paper (the full protocol: days on a CPU).", DefaultValueFactory = _ => "small" };
        var games = new Option<string?>("--games") { Description = $"Comma-separated games: {string.Join(", ", ReproducePlan.MinAtarGames)}, cartpole. Default: the budget's (tiny: cartpole; small: breakout; paper: all five MinAtar games)." };
        var seeds = new Option<int?>("--seeds") { Description = "Seeds per agent and game. Default: the budget's (tiny 1, small 2, paper 5)." };
        var output = new Option<string>("--out") { Description = "Folder of report.html and the figures.", DefaultValueFactory = _ => Path.Combine("results", "reproduce") };
        var runs = new Option<string>("--runs") { Description = "Folder of the run directories (one subfolder per budget); re-running skips complete runs and resumes interrupted ones.", DefaultValueFactory = _ => Path.Combine("runs", "reproduce") };
        var jobs = new Option<int>("--jobs") { Description = "Training runs executed in parallel (each uses one core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var noPng = new Option<bool>("--no-png") { Description = "HTML figures only (PNGs need headless Chromium)." };
        var print = new Option<bool>("--print-commands") { Description = "Print one prox plan / prox train command per study and run (for a scheduler such as a Slurm job array), then prox figures; run nothing." };
        var command = new Command("reproduce", "The main job: the planning study and DQN vs DQN Pro on MinAtar, in parallel and resumable, then every figure in report.html.");
        foreach (var o in new Option[] { budget, games, seeds, output, runs, jobs, noPng, print })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            var plan = ReproducePlan.Create(parse.GetValue(budget)!, parse.GetValue(games)?.Split(','), parse.GetValue(seeds));
            int j = PlanningArgs.AtLeast(parse.GetValue(jobs), 1, "--jobs");
            string root = Path.Combine(parse.GetValue(runs)!, plan.Budget);
            if (parse.GetValue(print))
            {
                PrintCommands(plan, root, parse.GetValue(output)!, j);
                return 0;
            }
            CliPaths.OutputDirectory("--runs", parse.GetValue(runs)!);
            CliPaths.OutputDirectory("--out", parse.GetValue(output)!);
            // One prox reproduce per runs folder; each run is locked by its prox train.
            using var runLock = RunDirectoryLock.Acquire(root);
            if (runLock.TakenOver is { } note) Console.Error.WriteLine($"warning: {note}");
            return Run(plan, root, parse.GetValue(output)!, j, !parse.GetValue(noPng));
        });
        return command;
    }

    /// <summary>One shell-quoted command line per study and run, then the figures command.</summary>
    static void PrintCommands(ReproducePlan plan, string root, string outDir, int jobs)
    {
        foreach (var args in plan.Commands(root, outDir, jobs))
            Console.WriteLine(Shell(args));
    }

    /// <summary>`prox` followed by the arguments, single-quoted
    /// where a shell would split or expand them.</summary>
    public static string Shell(IEnumerable<string> args) => new ProxLauncher("prox", []).Shell(args);

    static int Run(ReproducePlan plan, string root, string outDir, int jobs, bool png)
    {
        using var interrupt = new CtrlC();
        var host = new ReproduceHost(ProxApp.Run,
            (runs, runsRoot, j, cancel) => LocalRuns.Execute(runs, runsRoot, j, "prox reproduce", cancel), Phase, Console.WriteLine);
        return (int)ReproduceJob.Run(plan, root, outDir, jobs, png, host, interrupt.Token);
    }

    static void Phase(string title)
    {
        if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            AnsiConsole.Write(new Rule(Markup.Escape(title)) { Justification = Justify.Left });
        else
            Console.WriteLine($"== {title}");
    }
}
