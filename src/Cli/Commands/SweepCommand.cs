using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Research.Cli.Reproduce;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Training;
using Research.Studies;

namespace Research.Cli.Commands;

/// <summary>
/// <c>prox sweep run|status|task</c> (docs/sweeps.md): a study (agents x environments x c~ x config keys x
/// seeds) from a file and/or flags, one run directory per cell, executed here (local), on Slurm (a job array
/// and a figures job) or printed. The work is done by src/Studies; this class only parses flags.
/// </summary>
public sealed class SweepCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 6;

    sealed record StudyOptions(Argument<string?> File, Option<string?> Name, Option<string?> Agents, Option<string?> Envs, Option<string?> Seeds,
        Option<string?> CTilde, Option<string?> Frames, Option<string?> Preset, Option<string[]> Grid, Option<string[]> Sets, Option<string?> Runs)
    {
        public static StudyOptions Create() => new(
            new Argument<string?>("STUDY") { Description = "A study file (JSON or YAML, docs/sweeps.md) or a study's run folder (with study.json); optional when flags give the study.", Arity = ArgumentArity.ZeroOrOne },
            new Option<string?>("--name") { Description = "Study name (default: the file's name, else 'sweep'); runs go to runs/NAME." },
            new Option<string?>("--agents") { Description = "Comma-separated agents: dqn, dqn-pro, rainbow, rainbow-pro." },
            new Option<string?>("--envs") { Description = "Comma-separated environments: minatar:<game>, cartpole, atari:<game>." },
            new Option<string?>("--seeds") { Description = "N (seeds 0..N-1), a..b or a,b,c. Default 1 seed (0)." },
            new Option<string?>("--c-tilde") { Description = "Comma-separated c~ values of the pro agents (inf = no pull): a grid dimension." },
            new Option<string?>("--frames") { Description = "Training frames per run (k/M suffixes). Default: the preset's." },
            new Option<string?>("--preset") { Description = "Preset of every run. Default by environment: cartpole, atari-paper or minatar-dopamine." },
            new Option<string[]>("--grid") { Description = "KEY=V1,V2,...: a config key (--set name) as a grid dimension (repeatable).", DefaultValueFactory = _ => [] },
            new Option<string[]>("--set") { Description = "KEY=VALUE: a config key fixed for every run (repeatable).", DefaultValueFactory = _ => [] },
            new Option<string?>("--runs") { Description = "The study's run folder. Default: STUDY when it is a folder, else runs/NAME." });

        public IEnumerable<Option> Options => [Name, Agents, Envs, Seeds, CTilde, Frames, Preset, Grid, Sets, Runs];

        public void AddTo(Command c)
        {
            c.Arguments.Add(File);
            foreach (var o in Options) c.Options.Add(o);
        }

        /// <summary>The study and its run folder (absolute; when <paramref name="writing"/>, one this user
        /// can create and write into).</summary>
        public (Study Study, string Root) Resolve(ParseResult p, bool writing)
        {
            string? file = p.GetValue(File);
            var fromFile = file is null ? null : Study.Read(file);
            var study = new StudyFlags(p.GetValue(Name), p.GetValue(Agents), p.GetValue(Envs), p.GetValue(Seeds), p.GetValue(CTilde),
                p.GetValue(Frames), p.GetValue(Preset), p.GetValue(Grid) ?? [], p.GetValue(Sets) ?? []).Apply(fromFile);
            string root = p.GetValue(Runs) ?? (file is not null && Directory.Exists(file) ? file : Path.Combine("runs", study.Name));
            const string folder = "a folder for the study's runs (default: STUDY when it is a folder, else runs/NAME)";
            if (writing) return (study, CliPaths.OutputDirectory("--runs", root));
            if (string.IsNullOrWhiteSpace(root) || root.Contains('\0')) throw new UsageException("--runs", root, folder);
            return (study, Path.GetFullPath(root));
        }
    }

    /// <inheritdoc />
    public Command Build()
    {
        var command = new Command("sweep", "Studies: a grid of training runs (agents, environments, c~, config keys, seeds) run here, on Slurm or printed; their status.");
        command.Subcommands.Add(RunCommand());
        command.Subcommands.Add(StatusCommand());
        command.Subcommands.Add(TaskCommand());
        return command;
    }

    static Command RunCommand()
    {
        var s = StudyOptions.Create();
        var executor = new Option<string>("--executor") { Description = "local (parallel processes here), slurm (a job array + a figures job, via sbatch) or print (one command per run).", DefaultValueFactory = _ => "local" };
        var jobs = new Option<int>("--jobs") { Description = "local: runs at once (each uses one core).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string?>("--out") { Description = "Folder of the figures, tables and report.html. Default: results/NAME." };
        var noFigures = new Option<bool>("--no-figures") { Description = "local: do not draw the figures after the runs." };
        var partition = new Option<string?>("--partition") { Description = "slurm: partition (default: the cluster's)." };
        var time = new Option<string>("--time") { Description = "slurm: time limit per task (Slurm's forms, e.g. 4:00:00).", DefaultValueFactory = _ => "4:00:00" };
        var cpus = new Option<int>("--cpus-per-task") { Description = "slurm: CPUs per task.", DefaultValueFactory = _ => 1 };
        var mem = new Option<string>("--mem") { Description = "slurm: memory per task (e.g. 4G).", DefaultValueFactory = _ => "4G" };
        var gpus = new Option<int?>("--gpus") { Description = "slurm: GPUs per task (default none)." };
        var throttle = new Option<int>("--throttle") { Description = "slurm: tasks running at once (the array's %), 0 = no limit.", DefaultValueFactory = _ => 0 };
        var prox = new Option<string?>("--prox") { Description = "slurm/print: the command that starts prox on the nodes. Default: this dotnet and prox.dll (slurm), 'prox' (print)." };
        var command = new Command("run", "Run a study: every run not yet complete (complete runs are skipped, partial ones resumed, failed ones retried).");
        s.AddTo(command);
        foreach (var o in new Option[] { executor, jobs, output, noFigures, partition, time, cpus, mem, gpus, throttle, prox })
            command.Options.Add(o);
        command.SetAction(p =>
        {
            var (study, root) = s.Resolve(p, writing: true);
            var runs = StudyGrid.Expand(study);
            var configs = runs.Select(r => r.Config()).ToList(); // every cell valid before anything runs
            string figures = CliPaths.OutputDirectory("--out", p.GetValue(output) ?? Path.Combine("results", study.Name));
            string kind = p.GetValue(executor)!;
            if (kind is not ("local" or "slurm" or "print"))
                throw new UsageException("--executor", kind, "local, slurm or print");
            if (kind == "local") CheckAtari(configs);
            Directory.CreateDirectory(root);
            File.WriteAllText(Path.Combine(root, Study.FileName), study.ToJson());
            switch (kind)
            {
                case "print":
                    var launcher = p.GetValue(prox) is { } cmd ? ProxLauncher.Parse(cmd) : new ProxLauncher("prox", []);
                    for (int i = 0; i < runs.Count; i++)
                        Console.WriteLine(launcher.Shell(["sweep", "task", root, "--index", i.ToString(CultureInfo.InvariantCulture)]));
                    Console.WriteLine(launcher.Shell(["figures", "--runs", root, "--out", figures]));
                    return 0;
                case "slurm":
                    var options = new SlurmOptions(p.GetValue(partition), p.GetValue(time)!, PlanningArgs.AtLeast(p.GetValue(cpus), 1, "--cpus-per-task"),
                        p.GetValue(mem)!, p.GetValue(gpus) is int g ? PlanningArgs.AtLeast(g, 0, "--gpus") : null, PlanningArgs.AtLeast(p.GetValue(throttle), 0, "--throttle"));
                    return Submit(study, runs, root, figures, options, p.GetValue(prox) is { } c ? ProxLauncher.Parse(c) : ProxLauncher.Current());
                default:
                    return RunLocal(study, runs, root, figures, PlanningArgs.AtLeast(p.GetValue(jobs), 1, "--jobs"), !p.GetValue(noFigures));
            }
        });
        return command;
    }

    // Each Atari game's shim, ROM, mode and difficulty, as prox train checks them, before any local run
    // starts (a cluster's nodes may have other ROMs: slurm and print leave the check to each run).
    static void CheckAtari(IEnumerable<TrainingConfig> configs)
    {
        foreach (var c in configs.Where(c => c.Environment.StartsWith("atari:", StringComparison.Ordinal))
                     .DistinctBy(c => (c.Environment, c.RomDir, c.AtariMode, c.AtariDifficulty)))
            Trainer.CheckEnvironment(c);
    }

    static int Submit(Study study, IReadOnlyList<TrainingRun> runs, string root, string figures, SlurmOptions options, ProxLauncher prox)
    {
        var todo = StudyStatus.Read(runs, root).Select((r, i) => (r, i))
            .Where(x => x.r.Phase is not (RunPhase.Complete or RunPhase.Running)).Select(x => x.i).ToList();
        if (todo.Count == 0)
        {
            Console.WriteLine($"study {study.Name}: all {runs.Count} runs are complete or running; nothing submitted.");
            return 0;
        }
        var job = SlurmExecutor.Submit(study.Name, root, figures, todo, options, prox);
        Console.WriteLine($"study {study.Name}: submitted {todo.Count} of {runs.Count} runs as job array {job.ArrayJob}; figures job {job.FiguresJob} (afterany) -> {figures}");
        Console.WriteLine($"scripts and task output: {SlurmExecutor.LogFolder(root)}; progress: prox sweep status {root}");
        return 0;
    }

    static int RunLocal(Study study, IReadOnlyList<TrainingRun> runs, string root, string figures, int jobs, bool drawFigures)
    {
        Console.WriteLine($"study {study.Name}: {runs.Count} runs on {jobs} jobs -> {root}");
        using var interrupt = new CtrlC();
        if (LocalRuns.Execute(runs, root, jobs, "prox sweep run", interrupt.Token) is null)
            return 1;
        if (interrupt.Token.IsCancellationRequested)
        {
            Console.WriteLine("interrupted: active runs wrote checkpoints. Run the same command again to continue (complete runs are skipped).");
            return 130;
        }
        if (drawFigures)
        {
            var result = FigureBuilder.Build(new FigureSettings(root, figures, null, false, 2000, 0, false));
            Console.WriteLine($"{result.Figures.Length} figures; report: {result.Report}");
        }
        return 0;
    }

    static Command StatusCommand()
    {
        var s = StudyOptions.Create();
        var command = new Command("status", "Each run's state (pending, running, partial, complete, failed) and steps done, from the run directories.");
        s.AddTo(command);
        command.SetAction(p =>
        {
            var (study, root) = s.Resolve(p, writing: false);
            var status = StudyStatus.Read(StudyGrid.Expand(study), root);
            int width = Math.Max(3, status.Max(r => r.Run.Name.Length));
            Console.WriteLine($"{"run".PadRight(width)}  {"state",-8}  {"steps",21}  detail");
            foreach (var r in status)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.Run.Name.PadRight(width)}  {r.Phase.ToString().ToLowerInvariant(),-8}  {$"{r.Steps}/{r.TotalSteps}",21}  {r.Detail.Split('\n')[0]}"));
            var counts = status.GroupBy(r => r.Phase).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}");
            Console.WriteLine($"study {study.Name} ({root}): {status.Count} runs: {string.Join(", ", counts)}");
            return 0;
        });
        return command;
    }

    static Command TaskCommand()
    {
        var study = new Argument<string>("STUDY") { Description = "The study's run folder (with study.json)." };
        var index = new Option<int>("--index") { Description = "Position of the run in the study's grid (0-based; SLURM_ARRAY_TASK_ID).", Required = true };
        var command = new Command("task", "Bring one run of a study to its end (start, or resume from its checkpoint); what each Slurm array task runs.");
        command.Arguments.Add(study);
        command.Options.Add(index);
        command.SetAction(p =>
        {
            const string folder = "a study's run folder holding study.json (written by prox sweep run)";
            string root = CliPaths.InputDirectory("STUDY", p.GetValue(study)!, folder);
            if (!File.Exists(Path.Combine(root, Study.FileName)))
                throw new UsageException("STUDY", root, folder);
            var runs = StudyGrid.Expand(Study.Read(root));
            int i = p.GetValue(index);
            if (i < 0 || i >= runs.Count)
                throw new UsageException("--index", i.ToString(CultureInfo.InvariantCulture), $"0..{runs.Count - 1} (the study has {runs.Count} runs)");
            var run = runs[i];
            string dir = Path.Combine(root, run.Name);
            var config = run.Config();
            using var cts = new CancellationTokenSource();
            // Slurm sends SIGTERM on scancel/preemption (and SIGINT
            // before the time limit): the run checkpoints and stops.
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cts.Cancel(); });
            try
            {
                var outcome = RunScheduler.RunTask(run, dir, config, RunScheduler.Inspect(run, dir, config), ProxLauncher.Current(),
                    new RunMarkers(root), _ => { }, line => Console.WriteLine(line), cts.Token);
                return outcome.Completed ? 0 : 130;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"error: run failed: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
