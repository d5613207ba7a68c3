using Research.Studies;

namespace Research.Cli.Reproduce;

/// <summary>Ctrl-C as a cancellation token: a press cancels (active
/// runs write a checkpoint and stop) instead of ending prox.</summary>
public sealed class CtrlC : IDisposable
{
    readonly CancellationTokenSource _cts = new();
    readonly ConsoleCancelEventHandler _handler;

    /// <summary>Starts listening.</summary>
    public CtrlC()
    {
        _handler = (_, e) =>
        {
            e.Cancel = true;
            _cts.Cancel();
        };
        Console.CancelKeyPress += _handler;
    }

    /// <summary>Cancelled by Ctrl-C.</summary>
    public CancellationToken Token => _cts.Token;

    /// <inheritdoc />
    public void Dispose()
    {
        Console.CancelKeyPress -= _handler;
        _cts.Dispose();
    }
}

/// <summary>Training runs executed here with the progress display
/// (<c>prox reproduce</c>, <c>prox sweep run</c>).</summary>
public static class LocalRuns
{
    /// <summary>
    /// Runs <paramref name="runs"/> below <paramref name="root"/>, <paramref name="jobs"/> at a time; when
    /// some fail, prints each failure and what to do
    /// (<paramref name="again"/>: the command to run again) and returns null.
    /// </summary>
    public static IReadOnlyList<RunOutcome>? Execute(IReadOnlyList<TrainingRun> runs, string root, int jobs, string again, CancellationToken cancel)
    {
        try
        {
            return ReproduceProgress.Run(runs,
                (progress, log) => RunScheduler.Execute(runs, root, jobs, ProxLauncher.Current(), progress, log, cancel), TimeSpan.FromSeconds(30));
        }
        catch (RunsFailedException e)
        {
            foreach (var failure in e.Failures)
                Console.Error.WriteLine($"error: run failed: {failure}");
            Console.Error.WriteLine($"The other runs went on. Run the same {again} command again: failed runs are retried from their last checkpoint.");
            return null;
        }
    }
}
