using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Research.Analysis;
using Research.DeepAgents.Training;
using Research.RunFormat;

namespace Research.Studies.Reproduce;

/// <summary>A planning study as run by <c>prox reproduce</c>: its folder
/// and the seconds it took (0 when skipped as complete).</summary>
public sealed record StudyOutcome(PlanningStudy Study, string Directory, bool Skipped, double Seconds);

/// <summary>
/// report.html of <c>prox reproduce</c>: every planning and training figure (Analysis pipeline), a table of
/// what was run (agent, environment, seed, steps, wall
/// time, final return) and the budget, seeds and versions.
/// </summary>
public static class ReproduceReport
{
    static string Inv(double x, string format = "G4") => x.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Writes OUT/report.html (and the figures) and
    /// returns the pipeline's notes and the report path.</summary>
    public static (string Report, IReadOnlyList<string> Notes, int Figures) Write(ReproducePlan plan, string runsRoot, string outDir,
        IReadOnlyList<StudyOutcome> studies, IReadOnlyList<RunOutcome> runs, bool png, int jobs, TimeSpan elapsed)
    {
        var options = new Pipeline.Options(runsRoot, outDir, FSharpOption<string>.None, Bootstrap.defaults, 50, png, Export.PlotlyJs.Shared);
        var sections = new List<Report.Section>();
        var figures = new List<Export.SavedFigure>();
        foreach (var s in studies)
            foreach (var (section, figure) in Pipeline.planningFiguresAs(Export.PlotlyJs.Shared, png, s.Directory, outDir).Select(t => (t.Item1, t.Item2)))
            {
                sections.Add(section);
                figures.Add(figure);
            }
        var notes = new List<string> { plan.Description };
        var loaded = runs.Select(r => RunFiles.load(r.Directory)).ToList();
        var loadedList = ListModule.OfSeq(loaded);
        // The stratified bootstrap runs once: figures and result tables share it.
        var aggregates = loaded.Count == 0 ? FSharpOption<Pipeline.Aggregates>.None : Pipeline.aggregates(options, loadedList);
        if (loaded.Count > 0)
        {
            var (trained, trainingNotes) = Pipeline.trainingFigures(options, aggregates, loadedList);
            foreach (var t in trained)
            {
                sections.Add(t.Item1);
                figures.Add(t.Item2);
            }
            notes.AddRange(trainingNotes);
        }
        notes.AddRange(figures.Where(f => f.Png == null).Select(f => f.PngNote).Distinct().Take(1));
        var seeds = plan.Runs.Select(r => r.Seed).Distinct().Count();
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Budget {plan.Budget}: {studies.Count} planning studies, {runs.Count} training runs ({seeds} seed{(seeds == 1 ? "" : "s")} per agent and game), {jobs} parallel job{(jobs == 1 ? "" : "s")}; planning and training in this invocation took {elapsed.TotalSeconds:F0} s."));
        notes.Add($"Versions: {Versions()}; git commit {GitInfo.Commit()}; {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}.");
        var table = RunTable(studies, runs, loaded);
        // The result tables (CSV, Markdown, LaTeX next to the figures) open the report, as in prox figures.
        var tables = loaded.Count == 0 ? FSharpList<Tuple<string, string, Report.Table>>.Empty
            : Pipeline.resultTables(options, aggregates, loadedList);
        string report = Pipeline.writeReport(outDir, $"Proximal updates: reproduce ({plan.Budget} budget)", tables,
            ListModule.OfSeq(sections), table, ListModule.OfSeq(notes)).Item1;
        return (report, notes, figures.Count);
    }

    /// <summary>prox, .NET and TorchSharp versions.</summary>
    public static string Versions() =>
        $"prox {typeof(ReproduceReport).Assembly.GetName().Version}, {RuntimeInformation.FrameworkDescription}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}";

    static Report.Table RunTable(IReadOnlyList<StudyOutcome> studies, IReadOnlyList<RunOutcome> runs, IReadOnlyList<RunFiles.Run> loaded)
    {
        string[] header = ["run", "agent", "environment", "seed", "c~", "steps done / total", "frames", "wall time", "final return", "status"];
        var rows = new List<FSharpList<string>>();
        foreach (var s in studies)
        {
            var summary = PlanningFiles.readSummary(Path.Combine(s.Directory, SummaryCsv.Name));
            var best = summary.Where(r => double.IsFinite(r.C)).MinBy(r => r.MeanFinalErrorInf);
            var vi = summary.FirstOrDefault(r => double.IsPositiveInfinity(r.C));
            string result = best is null ? "" :
                $"final error: best PVI c = {Inv(best.C)}: {Inv(best.MeanFinalErrorInf)}" + (vi is null ? "" : $"; VI: {Inv(vi.MeanFinalErrorInf)}");
            rows.Add(ListModule.OfSeq(new[]
            {
                "planning/" + s.Study.Name, "VI / PVI (c ∈ {" + s.Study.C.Replace(",", ", ") + "})",
                $"{s.Study.Mdp}, γ = {Inv(s.Study.Gamma)}, noise {s.Study.Noise}", $"0..{s.Study.Seeds - 1}", "",
                $"{s.Study.Iterations} iterations", "", s.Skipped ? "(earlier)" : $"{s.Seconds:F1} s", result, s.Skipped ? "complete (skipped)" : "complete",
            }));
        }
        for (int i = 0; i < runs.Count; i++)
        {
            var o = runs[i];
            var r = loaded[i];
            rows.Add(ListModule.OfSeq(new[]
            {
                r.Name, r.Config.Agent, r.Config.Environment, r.Config.Seed.ToString(CultureInfo.InvariantCulture),
                double.IsPositiveInfinity(r.Config.CTilde) || !r.Config.Agent.EndsWith("-pro", StringComparison.Ordinal) ? "∞" : Inv(r.Config.CTilde),
                $"{o.StepsDone} / {r.Config.TotalSteps}", (o.StepsDone * r.Config.FrameSkip).ToString("N0", CultureInfo.InvariantCulture),
                TimeSpan.FromSeconds(o.WallSeconds).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture),
                Inv(RunFiles.finalReturn(r)),
                o.Completed ? (o.Before == RunState.Complete ? "complete (skipped)" : o.Before == RunState.Resumable ? "complete (resumed)" : "complete") : "in progress",
            }));
        }
        return new Report.Table(ListModule.OfSeq(header), ListModule.OfSeq(rows));
    }
}
