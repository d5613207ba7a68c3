using System.Diagnostics;
using System.Globalization;
using Research.DeepAgents.Training;
using Spectre.Console;

namespace Research.Cli;

/// <summary>
/// Progress display of <c>prox train</c>: a Spectre.Console progress bar with frames, frames/s, recent
/// return, epsilon and ETA on a terminal; periodic plain lines when output is redirected (logs, CI).
/// </summary>
public static class TrainingProgress
{
    /// <summary>Runs <paramref name="train"/> (which reports through
    /// the callback it receives) with the right display.</summary>
    public static TrainingResult Run(Func<Action<TrainingStatus>, TrainingResult> train, long startStep, long totalSteps, TimeSpan plainInterval)
    {
        bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            var clock = Stopwatch.StartNew();
            var last = TimeSpan.Zero;
            return train(status =>
            {
                if (clock.Elapsed - last < plainInterval && status.Step != status.TotalSteps) return;
                last = clock.Elapsed;
                Console.WriteLine(Line(status));
            });
        }
        TrainingResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("starting", maxValue: totalSteps);
                task.Value = startStep;
                result = train(status =>
                {
                    task.Value = status.Step;
                    task.Description = Markup.Escape(Description(status));
                });
            });
        return result!;
    }

    /// <summary>One plain progress line: step, percentage, speed,
    /// recent return, epsilon, last evaluation, ETA.</summary>
    public static string Line(TrainingStatus s)
    {
        double fraction = (double)s.Step / s.TotalSteps;
        string eta = s.StepsPerSecond > 0 ? TimeSpan.FromSeconds((s.TotalSteps - s.Step) / s.StepsPerSecond).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"step {s.Step}/{s.TotalSteps} ({fraction:P1}) | {s.StepsPerSecond:F0} steps/s | episodes {s.Episodes} | recent return {Show(s.RecentReturn)} | eps {s.Epsilon:F3}{Eval(s)} | ETA {eta}");
    }

    static string Description(TrainingStatus s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Step:N0} frames | {s.StepsPerSecond:F0}/s | return {Show(s.RecentReturn)} | eps {s.Epsilon:F3}{Eval(s)}");

    static string Eval(TrainingStatus s) => s.LastEvaluation is { } e ? string.Create(CultureInfo.InvariantCulture, $" | eval {Show(e.MeanReturn)}") : "";

    static string Show(double value) => double.IsNaN(value) ? "-" : value.ToString("F2", CultureInfo.InvariantCulture);
}
