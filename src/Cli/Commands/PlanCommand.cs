using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.FSharp.Core;
using Research.RunFormat;
using Research.Tabular;
using Research.Theory;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary>The fully resolved parameters of a <c>prox plan</c> study, written to DIR/config.json.</summary>
public sealed record PlanConfig(
    string Mdp, int States, int Actions, bool DenseTransitions, double Gamma, string Noise, string[] C,
    int Iterations, int Seeds, int PmpiSteps, string Proximal, string InitialValue, int Threads, string Out);

/// <summary>
/// <c>prox plan</c>: noisy VI / PVI / PMPI on a tabular MDP for every (c, seed), writing
/// DIR/errors.csv (per-iteration errors), DIR/summary.csv (per c: mean and standard error of the
/// final error) and DIR/config.json, and printing a summary table (docs/planning.md,
/// "Experiments").
/// </summary>
public sealed class PlanCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 10;

    /// <inheritdoc />
    public Command Build()
    {
        var mdp = new Option<string>("--mdp") { Description = $"The MDP: {PlanningArgs.MdpForms}.", DefaultValueFactory = _ => "garnet:states=50,actions=4,branching=5" };
        var gamma = new Option<double>("--gamma") { Description = "Discount, 0 <= gamma < 1.", DefaultValueFactory = _ => 0.9 };
        var noise = new Option<string>("--noise") { Description = $"Noise added to every target: {PlanningArgs.NoiseForms}.", DefaultValueFactory = _ => "gaussian:1" };
        var cs = new Option<string>("--c") { Description = "Proximal weights c (> 0; inf = VI), comma-separated.", DefaultValueFactory = _ => "0.1,0.2,0.5,1,inf" };
        var iterations = new Option<int>("--iterations") { Description = "Planning iterations K per run.", DefaultValueFactory = _ => 200 };
        var seeds = new Option<int>("--seeds") { Description = "Noise seeds per c (seed i gets the same noise stream for every c).", DefaultValueFactory = _ => 20 };
        var pmpi = new Option<int>("--pmpi-steps") { Description = "PMPI steps m (1 = PVI): Target = (T^pi)^m v with pi greedy w.r.t. v.", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "Worker threads (results do not depend on it).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string>("--out") { Description = "Output directory (created if missing).", DefaultValueFactory = _ => Path.Combine("runs", "plan") };
        var command = new Command("plan", "Noisy proximal planning (VI / PVI / PMPI) on a tabular MDP: error traces per c and seed.");
        foreach (var o in new Option[] { mdp, gamma, noise, cs, iterations, seeds, pmpi, threads, output })
            command.Options.Add(o);
        command.SetAction(parse => Run(
            parse.GetValue(mdp)!, parse.GetValue(gamma), parse.GetValue(noise)!, parse.GetValue(cs)!, parse.GetValue(iterations),
            parse.GetValue(seeds), parse.GetValue(pmpi), parse.GetValue(threads), parse.GetValue(output)!));
        return command;
    }

    private static int Run(string mdpText, double gammaValue, string noiseText, string cText, int iterations, int seeds,
                           int pmpiSteps, int threads, string outDir)
    {
        CliPaths.OutputDirectory("--out", outDir);
        double gamma = PlanningArgs.Gamma(gammaValue);
        var noise = PlanningArgs.ParseNoise(noiseText);
        double[] cs = PlanningArgs.CList(cText);
        PlanningArgs.AtLeast(iterations, 1, "--iterations");
        PlanningArgs.AtLeast(seeds, 1, "--seeds");
        PlanningArgs.AtLeast(pmpiSteps, 1, "--pmpi-steps");
        PlanningArgs.AtLeast(threads, 1, "--threads");
        var choice = PlanningArgs.ParseMdp(mdpText, gamma);
        var runs = Experiment.grid(cs, seeds);
        var config = new Experiment.Config(choice.Mdp, PlanningArgs.Target(pmpiSteps), Proximal.ProximalTerm.Quadratic, noise,
            runs, iterations, PlanningArgs.ZeroStart, false, threads);

        var watch = Stopwatch.StartNew();
        var result = RunWithProgress(config, iterations);
        watch.Stop();

        Directory.CreateDirectory(outDir);
        string noiseName = Noise.describe(noise);
        WriteErrors(Path.Combine(outDir, ErrorsCsv.Name), choice.Description, gamma, noiseName, result);
        var summary = Experiment.summarise(result);
        WriteSummary(Path.Combine(outDir, SummaryCsv.Name), choice.Description, gamma, noiseName, pmpiSteps, summary);
        var resolved = new PlanConfig(choice.Description, choice.Mdp.States, choice.Mdp.Actions, choice.Mdp.IsDense, gamma, noiseName,
            cs.Select(PlanningArgs.FormatC).ToArray(), iterations, seeds, pmpiSteps, Proximal.name(config.Proximal), "zeros", threads,
            Path.GetFullPath(outDir));
        File.WriteAllText(Path.Combine(outDir, "config.json"),
            JsonSerializer.Serialize(resolved, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));

        PrintTable(choice.Description, gamma, noiseName, iterations, seeds, pmpiSteps, summary, watch.Elapsed, outDir);
        return 0;
    }

    /// <summary>Runs the batch, with a Spectre progress bar when
    /// stdout is a terminal and the study is not tiny.</summary>
    private static Experiment.Result RunWithProgress(Experiment.Config config, int iterations)
    {
        long work = (long)config.Mdp.States * config.Mdp.Actions * config.Runs.Length * iterations;
        bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive || work < 20_000_000)
            return Experiment.run(config);
        Experiment.Result? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"planning {config.Runs.Length} runs", maxValue: iterations);
                result = Experiment.runWithProgress(FuncConvert.FromAction<int>(k => task.Value = k), config);
            });
        return result!;
    }

    private static void WriteErrors(string path, string mdp, double gamma, string noise, Experiment.Result result)
    {
        using var csv = CsvLog.Open(path, ErrorsCsv.Columns);
        string g = PlanningArgs.Format(gamma);
        foreach (var trace in result.Traces)
        {
            string c = PlanningArgs.FormatC(trace.Run.C);
            for (int k = 0; k < trace.ErrorInf.Length; k++)
                csv.Add(mdp).Add(g).Add(noise).Add(c).Add(trace.Run.Seed).Add(k)
                    .Add(PlanningArgs.Format(trace.ErrorInf[k])).Add(PlanningArgs.Format(trace.ErrorL2[k])).End();
        }
    }

    private static void WriteSummary(string path, string mdp, double gamma, string noise, int pmpiSteps, Experiment.Summary[] summary)
    {
        using var csv = CsvLog.Open(path, SummaryCsv.Columns);
        foreach (var s in summary)
            csv.Add(mdp).Add(PlanningArgs.Format(gamma)).Add(noise).Add(PlanningArgs.FormatC(s.C))
                .Add(PlanningArgs.Format(Contraction.beta(s.C)))
                .Add(PlanningArgs.Format(Contraction.pmpiModulus(gamma, s.C, pmpiSteps))).Add(s.Runs)
                .Add(PlanningArgs.Format(s.MeanFinalInf)).Add(PlanningArgs.Format(s.StandardErrorFinalInf))
                .Add(PlanningArgs.Format(s.MeanFinalL2)).Add(PlanningArgs.Format(s.StandardErrorFinalL2)).End();
    }

    private static void PrintTable(string mdp, double gamma, string noise, int iterations, int seeds, int pmpiSteps,
                                   Experiment.Summary[] summary, TimeSpan elapsed, string outDir)
    {
        string method = pmpiSteps == 1 ? "PVI" : $"PMPI(m={pmpiSteps})";
        var table = new Table()
            .Title($"{method} on {Markup.Escape(mdp)}, gamma={gamma.ToString(CultureInfo.InvariantCulture)}, noise={noise}, K={iterations}, {seeds} seeds")
            .AddColumn("c").AddColumn(new TableColumn("beta").RightAligned()).AddColumn(new TableColumn("modulus").RightAligned())
            .AddColumn(new TableColumn("final ||v-v*||inf (mean ± s.e.)").RightAligned())
            .AddColumn(new TableColumn("final ||v-v*||2 (mean ± s.e.)").RightAligned());
        double best = summary.Min(s => s.MeanFinalInf);
        foreach (var s in summary)
        {
            string inf = $"{s.MeanFinalInf.ToString("G4", CultureInfo.InvariantCulture)} ± {s.StandardErrorFinalInf.ToString("G2", CultureInfo.InvariantCulture)}";
            table.AddRow(
                double.IsPositiveInfinity(s.C) ? "inf (VI)" : PlanningArgs.FormatC(s.C),
                Contraction.beta(s.C).ToString("G4", CultureInfo.InvariantCulture),
                Contraction.pmpiModulus(gamma, s.C, pmpiSteps).ToString("G4", CultureInfo.InvariantCulture),
                s.MeanFinalInf == best ? $"[bold]{inf}[/]" : inf,
                $"{s.MeanFinalL2.ToString("G4", CultureInfo.InvariantCulture)} ± {s.StandardErrorFinalL2.ToString("G2", CultureInfo.InvariantCulture)}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(
            $"{summary.Sum(s => s.Runs)} runs x {iterations} iterations in {elapsed.TotalSeconds:F2} s; wrote errors.csv, summary.csv, config.json to {outDir}"));
    }
}
