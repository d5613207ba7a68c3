using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Research.Studies;

namespace Research.Cli.Reproduce;

/// <summary>
/// The training phase's display: on a terminal a Spectre.Console progress bar per run (frames, speed, recent
/// return); when output is redirected, plain lines (run started /
/// resumed / done, and every <c>interval</c> one line per active run).
/// </summary>
public static class ReproduceProgress
{
    /// <summary>Runs <paramref name="execute"/>, which reports
    /// through the progress and log callbacks it receives.</summary>
    public static T Run<T>(IReadOnlyList<TrainingRun> runs, Func<Action<RunProgress>, Action<string>, T> execute, TimeSpan interval)
    {
        bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            var latest = new ConcurrentDictionary<string, RunProgress>();
            var clock = Stopwatch.StartNew();
            long last = 0;
            var gate = new object();
            return execute(p =>
            {
                latest[p.Run.Name] = p;
                long now = clock.ElapsedMilliseconds;
                if (now - Interlocked.Read(ref last) < interval.TotalMilliseconds) return;
                Interlocked.Exchange(ref last, now);
                lock (gate)
                    foreach (var q in latest.Values.Where(q => q is { Finished: false, Step: > 0 }).OrderBy(q => q.Run.Name))
                        Console.WriteLine($"  {q.Run.Name}: {Line(q)}");
            }, message =>
            {
                lock (gate) Console.WriteLine(message);
            });
        }
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var tasks = runs.ToDictionary(r => r.Name, r =>
                {
                    var t = ctx.AddTask(Markup.Escape($"{r.Name}: waiting"), maxValue: r.Frames ?? 1);
                    return t;
                });
                result = execute(p =>
                {
                    var task = tasks[p.Run.Name];
                    if (p.TotalSteps > 0)
                    {
                        task.MaxValue = p.TotalSteps;
                        task.Value = p.Step;
                        task.Description = Markup.Escape($"{p.Run.Name}: {Line(p)}");
                    }
                    if (p.Finished)
                    {
                        task.Value = task.MaxValue;
                        task.Description = Markup.Escape($"{p.Run.Name}: done");
                    }
                }, message => { /* the bars show it */ });
            });
        return result;
    }

    static string Line(RunProgress p) =>
        string.Create(CultureInfo.InvariantCulture, $"{p.Step:N0}/{p.TotalSteps:N0}") + (p.Detail.Length > 0 ? " | " + p.Detail : "");
}
