using Microsoft.FSharp.Core;
using Research.Analysis;

namespace Research.Cli.Reproduce;

/// <summary>Settings of a figures pass (the flags of <c>prox figures</c>).</summary>
/// <param name="Runs">Folder searched for training runs and planning studies.</param>
/// <param name="Out">Output folder (figures and report.html).</param>
/// <param name="Scores">Reference scores CSV (human-normalised
/// Atari scores), or null for the built-in table.</param>
/// <param name="Png">Also write PNGs (needs headless Chromium).</param>
/// <param name="BootstrapSamples">Bootstrap repetitions B of the confidence intervals.</param>
/// <param name="Seed">Bootstrap seed.</param>
/// <param name="InlinePlotly">plotly.js inside every HTML file
/// instead of one shared file in <paramref name="Out"/>.</param>
public sealed record FigureSettings(string Runs, string Out, string? Scores, bool Png, int BootstrapSamples, int Seed, bool InlinePlotly);

/// <summary>Validation of the figure flags and the conversion to the Analysis pipeline's options.</summary>
public static class FigureBuilder
{
    /// <summary>Checks the flags (exit 2 with a message naming the flag otherwise) and builds
    /// <see cref="Pipeline.Options"/>.</summary>
    public static Pipeline.Options Options(FigureSettings s)
    {
        CliPaths.InputDirectory("--runs", s.Runs, "an existing folder holding run directories (prox train) or planning studies (prox plan)");
        CliPaths.OutputDirectory("--out", s.Out);
        if (s.Scores is not null)
        {
            const string scores = "a CSV file with columns game,random,human,in_atari57,in_paper55 (leave --scores out for the built-in table)";
            CliPaths.InputFile("--scores", s.Scores, scores);
            try
            {
                Normalisation.load(s.Scores);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new UsageException("--scores", s.Scores, $"{scores} ({e.Message.TrimEnd('.')})");
            }
        }
        PlanningArgs.AtLeast(s.BootstrapSamples, 10, "--bootstrap-samples");
        var bootstrap = new Bootstrap.Options(s.BootstrapSamples, 0.95, s.Seed);
        return new Pipeline.Options(s.Runs, s.Out, s.Scores is null ? FSharpOption<string>.None : FSharpOption<string>.Some(s.Scores),
            bootstrap, 50, s.Png, s.InlinePlotly ? Export.PlotlyJs.Inline : Export.PlotlyJs.Shared);
    }

    /// <summary>The planning studies (folders with errors.csv) below
    /// <paramref name="root"/>, the root included, sorted.</summary>
    public static IReadOnlyList<string> PlanningStudies(string root) =>
        Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Prepend(root)
            .Where(PlanningFiles.isPlanningDirectory).Order(StringComparer.Ordinal).ToList();

    /// <summary>Runs the pipeline; a folder with neither
    /// runs nor planning studies is a usage error.</summary>
    public static Pipeline.Result Build(FigureSettings s)
    {
        var options = Options(s);
        if (PlanningStudies(s.Runs).Count == 0 && RunFiles.discover(s.Runs).IsEmpty)
            throw new UsageException("--runs", s.Runs,
                "a folder with at least one training run (config.json of format prox-run/1, from prox train) or planning study (errors.csv, from prox plan) below it; none was found");
        return Pipeline.figures(options);
    }
}
