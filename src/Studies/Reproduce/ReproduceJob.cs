// The main job's three phases (docs/reproduce.md): the planning studies one after another (each is
// multi-threaded itself), the training runs in parallel, then the figures and report.html. What runs a
// study, trains the runs and shows progress is the caller's (the prox CLI): see ReproduceHost.
using System.Diagnostics;
using System.Globalization;
using Research.RunFormat;

namespace Research.Studies.Reproduce;

/// <summary>What <see cref="ReproduceJob"/> asks of its caller.</summary>
/// <param name="Plan">Runs <c>prox plan</c> with these arguments in-process; returns its exit code.</param>
/// <param name="Train">Executes the runs below the root, <c>jobs</c> at a time; null when some failed
/// (the caller has reported them).</param>
/// <param name="Phase">Shows the title of a phase.</param>
/// <param name="Log">Shows one line of progress.</param>
public sealed record ReproduceHost(
    Func<string[], int> Plan,
    Func<IReadOnlyList<TrainingRun>, string, int, CancellationToken, IReadOnlyList<RunOutcome>?> Train,
    Action<string> Phase,
    Action<string> Log);

/// <summary>How a <c>prox reproduce</c> invocation ended; the value is the process's exit code.</summary>
public enum ReproduceEnd
{
    /// <summary>Everything ran; report.html is written.</summary>
    Done = 0,

    /// <summary>Some training runs failed (the others went on); running again retries them.</summary>
    RunsFailed = 1,

    /// <summary>Interrupted: active runs wrote checkpoints; running again continues.</summary>
    Interrupted = 130,
}

/// <summary>Runs a <see cref="ReproducePlan"/>: planning, training, figures; a re-run skips what is complete.
/// </summary>
public static class ReproduceJob
{
    /// <summary>Files a complete planning study has (prox plan writes them last).</summary>
    public static readonly string[] CompleteStudyFiles = [ErrorsCsv.Name, SummaryCsv.Name, RunLayout.ConfigFile];

    /// <summary>
    /// Runs <paramref name="plan"/> with run directories below <paramref name="root"/> and the report in
    /// <paramref name="outDir"/>; <paramref name="cancel"/> stops between studies and checkpoints active
    /// runs.
    /// </summary>
    public static ReproduceEnd Run(ReproducePlan plan, string root, string outDir, int jobs, bool png,
        ReproduceHost host, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        host.Log($"prox reproduce, budget {plan.Budget}: {plan.Studies.Count} planning studies, {plan.Runs.Count} training runs on {jobs} jobs -> {Path.GetFullPath(root)}");
        host.Phase("1/3 planning studies (Garnet MDPs, VI vs PVI under noise)");
        var studies = new List<StudyOutcome>();
        foreach (var study in plan.Studies)
        {
            if (cancel.IsCancellationRequested) break;
            string dir = Path.Combine(root, "planning", study.Name);
            if (CompleteStudyFiles.All(f => File.Exists(Path.Combine(dir, f))))
            {
                host.Log($"planning/{study.Name}: complete, skipped");
                studies.Add(new StudyOutcome(study, dir, true, 0));
                continue;
            }
            var watch = Stopwatch.StartNew();
            int code = host.Plan(study.PlanArguments(dir, jobs));
            if (code != 0)
                throw new InvalidOperationException($"planning study {study.Name} failed with exit code {code}");
            studies.Add(new StudyOutcome(study, dir, false, watch.Elapsed.TotalSeconds));
        }

        host.Phase($"2/3 training runs ({string.Join(", ", plan.Runs.Select(r => r.Agent).Distinct())} on {string.Join(", ", plan.Runs.Select(r => r.Environment).Distinct())})");
        var outcomes = host.Train(plan.Runs, root, jobs, cancel);
        if (outcomes is null)
            return ReproduceEnd.RunsFailed;
        if (cancel.IsCancellationRequested)
        {
            host.Log("interrupted: active runs wrote checkpoints. Run the same prox reproduce command again to continue (complete runs are skipped).");
            return ReproduceEnd.Interrupted;
        }

        host.Phase("3/3 figures and report");
        var (report, notes, figures) = ReproduceReport.Write(plan, root, outDir, studies, outcomes, png, jobs, clock.Elapsed);
        foreach (var note in notes.Skip(1))
            host.Log($"note: {note}");
        host.Log(string.Create(CultureInfo.InvariantCulture,
            $"done in {clock.Elapsed.TotalSeconds:F0} s: {figures} figures; report: {Path.GetFullPath(report)}"));
        return ReproduceEnd.Done;
    }
}
