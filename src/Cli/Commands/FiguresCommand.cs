using System.CommandLine;
using Research.Cli.Reproduce;

namespace Research.Cli.Commands;

/// <summary>
/// <c>prox figures</c>: every figure the data supports from existing runs (training run directories and
/// planning studies found below <c>--runs</c>), written
/// with report.html into <c>--out</c> (docs/analysis.md).
/// </summary>
public sealed class FiguresCommand : ICliCommand
{
    /// <inheritdoc />
    public int Order => 60;

    /// <inheritdoc />
    public Command Build()
    {
        var runs = new Option<string>("--runs") { Description = "Folder searched (recursively) for run directories and planning studies.", DefaultValueFactory = _ => "runs" };
        var output = new Option<string>("--out") { Description = "Output folder for the figures and report.html.", DefaultValueFactory = _ => Path.Combine("results", "figures") };
        var scores = new Option<string?>("--scores") { Description = "Reference scores CSV (game,random,human,in_atari57,in_paper55) for human-normalised Atari scores; default: the built-in table (data/atari-scores.csv)." };
        var noPng = new Option<bool>("--no-png") { Description = "HTML only (PNGs need headless Chromium; without it they are skipped anyway)." };
        var samples = new Option<int>("--bootstrap-samples") { Description = "Bootstrap repetitions of the confidence intervals.", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "Bootstrap seed.", DefaultValueFactory = _ => 0 };
        var inline = new Option<bool>("--inline-plotly") { Description = "Put plotly.js (~3.6 MB) into every figure's HTML instead of one shared plotly-*.min.js in --out." };
        var command = new Command("figures", "Figures and report.html from existing runs and planning studies (offline HTML, PNG with headless Chromium).");
        foreach (var o in new Option[] { runs, output, scores, noPng, samples, seed, inline })
            command.Options.Add(o);
        command.SetAction(parse =>
        {
            var settings = new FigureSettings(parse.GetValue(runs)!, parse.GetValue(output)!, parse.GetValue(scores),
                !parse.GetValue(noPng), parse.GetValue(samples), parse.GetValue(seed), parse.GetValue(inline));
            var result = FigureBuilder.Build(settings);
            Console.WriteLine($"{result.Figures.Length} figures from {result.RunTable.Rows.Length} training runs and {FigureBuilder.PlanningStudies(settings.Runs).Count} planning studies in {settings.Runs}");
            foreach (var note in result.Notes)
                Console.WriteLine($"note: {note}");
            Console.WriteLine($"report: {result.Report}");
            return 0;
        });
        return command;
    }
}
