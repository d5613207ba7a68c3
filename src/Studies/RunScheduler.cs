using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Research.DeepAgents.Training;

namespace Research.Studies;

/// <summary>Where a training run stands before an executor works on it.</summary>
public enum RunState
{
    /// <summary>No run directory yet: start it.</summary>
    New,
    /// <summary>A checkpoint short of the total: resume from it (exactly; docs/run-format.md).</summary>
    Resumable,
    /// <summary>config.json but no checkpoint yet (killed before the first one): start again
    /// (<c>prox train --resume</c> does).</summary>
    Restart,
    /// <summary>The checkpoint holds all the steps: nothing to do.</summary>
    Complete,
}

/// <summary>Progress of one run, for the display.</summary>
/// <param name="Run">The run.</param>
/// <param name="Step">Agent steps done (last report).</param>
/// <param name="TotalSteps">Agent steps to do.</param>
/// <param name="Detail">The run's own progress line (speed, recent return, evaluation), or "".</param>
/// <param name="Finished">True when the run is complete.</param>
public sealed record RunProgress(TrainingRun Run, long Step, long TotalSteps, string Detail, bool Finished);

/// <summary>How a run ended in this invocation.</summary>
/// <param name="Run">The run.</param>
/// <param name="Directory">Its run directory.</param>
/// <param name="Before">Its state before this invocation.</param>
/// <param name="Completed">True when all steps are done.</param>
/// <param name="StepsDone">Agent steps done.</param>
/// <param name="WallSeconds">Training wall-clock seconds over all sessions (from the checkpoint).</param>
public sealed record RunOutcome(TrainingRun Run, string Directory, RunState Before, bool Completed, long StepsDone, double WallSeconds);

/// <summary>
/// Executes independent training runs, at most <c>jobs</c> at a time, each as its own <c>prox train</c>
/// process (one libtorch thread each; separate processes share no native state) writing its own run
/// directory: complete runs are skipped, interrupted ones resumed from their checkpoint
/// (<c>prox train --resume</c>), so re-running never loses work. Cancellation (Ctrl-C) interrupts every
/// child, which writes a checkpoint and stops.
/// </summary>
public static partial class RunScheduler
{
    /// <summary>The state of <paramref name="run"/> in <paramref name="dir"/>;
    /// a directory holding a different run is an error.</summary>
    public static RunState Inspect(TrainingRun run, string dir, TrainingConfig config)
    {
        var directory = new RunDirectory(dir);
        if (!File.Exists(directory.ConfigPath))
            return RunState.New;
        var (existing, _) = directory.ReadConfig();
        if (!RunDirectory.SameRun(existing, config))
            throw new ConfigException("--runs", dir,
                $"a folder whose runs match this budget; {directory.ConfigPath} holds another config than run '{run.Name}' (a different budget or version?): choose another --runs or delete that folder");
        string? checkpoint;
        try
        {
            checkpoint = Checkpoint.Latest(directory);
        }
        catch (CheckpointDamagedException)
        {
            // the resume fails with the damage's message: that run fails, the others go on
            return RunState.Resumable;
        }
        if (checkpoint is null)
            return RunState.Restart;
        long steps = Checkpoint.ReadHeader(checkpoint).Steps;
        return steps >= config.TotalSteps ? RunState.Complete : RunState.Resumable;
    }

    /// <summary>Runs every run of <paramref name="runs"/> (directories below <paramref name="root"/>),
    /// <paramref name="jobs"/> at a time.</summary>
    public static IReadOnlyList<RunOutcome> Execute(IReadOnlyList<TrainingRun> runs, string root, int jobs, ProxLauncher prox,
        Action<RunProgress> progress, Action<string> log, CancellationToken cancel)
    {
        var markers = new RunMarkers(root);
        var configs = runs.Select(r => r.Config()).ToArray();
        var dirs = runs.Select(r => Path.Combine(root, r.Name)).ToArray();
        var states = runs.Select((r, i) => Inspect(r, dirs[i], configs[i])).ToArray();
        var outcomes = new RunOutcome?[runs.Count];
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        int next = -1;
        void Worker()
        {
            while (!cancel.IsCancellationRequested)
            {
                int i = Interlocked.Increment(ref next);
                if (i >= runs.Count)
                    return;
                try
                {
                    outcomes[i] = RunTask(runs[i], dirs[i], configs[i], states[i], prox, markers, progress, log, cancel);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // One failing run does not stop the others; its last checkpoint stays for the next call.
                    failures.Add($"{runs[i].Name} ({dirs[i]}): {e.Message}");
                    log($"{runs[i].Name}: FAILED: {e.Message}");
                }
            }
        }
        var threads = Enumerable.Range(0, Math.Max(1, Math.Min(jobs, runs.Count)))
            .Select(k => new Thread(Worker) { Name = $"prox-run-{k}", IsBackground = true }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (!failures.IsEmpty)
            throw new RunsFailedException(failures.Order(StringComparer.Ordinal).ToList());
        return outcomes.Select((o, i) => o ?? new RunOutcome(runs[i], dirs[i], states[i], false, 0, 0)).ToList();
    }

    /// <summary>
    /// Brings one run to its end: skips it when complete, else starts or resumes it as a <c>prox train</c>
    /// child process, noting running/failed in <paramref name="markers"/>.
    /// A failure throws (after noting it); an interruption returns.
    /// </summary>
    public static RunOutcome RunTask(TrainingRun run, string dir, TrainingConfig config, RunState state, ProxLauncher prox,
        RunMarkers markers, Action<RunProgress> progress, Action<string> log, CancellationToken cancel)
    {
        var checkpoint = new RunDirectory(dir).CheckpointPath;
        if (state == RunState.Complete)
        {
            var header = Checkpoint.ReadHeader(Checkpoint.Latest(new RunDirectory(dir))!);
            progress(new RunProgress(run, header.Steps, config.TotalSteps, "", true));
            log($"{run.Name}: complete ({header.Steps} steps), skipped");
            return new RunOutcome(run, dir, state, true, header.Steps, header.Loop.WallSeconds);
        }
        // prox train --resume also restarts a run with no checkpoint yet from step 0 (under the run's lock).
        string[] args = state is RunState.Resumable or RunState.Restart ? run.ResumeArguments(dir, config) : run.TrainArguments(dir);
        markers.Start(run.Name);
        log(state switch
        {
            RunState.Resumable => $"{run.Name}: resuming at step {Checkpoint.ReadHeader(Checkpoint.Latest(new RunDirectory(dir))!).Steps}",
            RunState.Restart => $"{run.Name}: no checkpoint yet, starting again",
            _ => $"{run.Name}: started",
        });
        var (exitCode, tail) = RunChild(prox, args, line =>
        {
            var m = StepLine().Match(line);
            if (m.Success)
                progress(new RunProgress(run, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                    long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), line[(line.IndexOf('|') + 1)..].Trim(), false));
        }, cancel);
        bool completed = exitCode == 0;
        var end = File.Exists(checkpoint) ? Checkpoint.ReadHeader(checkpoint) : null;
        // 130: stopped by SIGINT after a checkpoint; 143:
        // SIGTERM (scancel, preemption): resumable, not failed.
        if (exitCode is not (0 or 130 or 143) && !cancel.IsCancellationRequested)
        {
            string error = $"prox {string.Join(' ', args)} exited with {exitCode}: {tail}";
            markers.Stop(run.Name, error);
            throw new InvalidOperationException(error);
        }
        markers.Stop(run.Name, null);
        progress(new RunProgress(run, end?.Steps ?? 0, config.TotalSteps, "", completed));
        log(completed
            ? string.Create(CultureInfo.InvariantCulture, $"{run.Name}: done, {end?.Steps} steps in {end?.Loop.WallSeconds:F0} s")
            : $"{run.Name}: interrupted at step {end?.Steps}; checkpoint written");
        return new RunOutcome(run, dir, state, completed, end?.Steps ?? 0, end?.Loop.WallSeconds ?? 0);
    }

    /// <summary>Runs <c>prox ARGS</c>, feeding each stdout line to <paramref name="onLine"/>; on cancellation
    /// sends SIGINT (the child checkpoints).</summary>
    static (int ExitCode, string Tail) RunChild(ProxLauncher prox, string[] args, Action<string> onLine, CancellationToken cancel)
    {
        var psi = new ProcessStartInfo(prox.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prox.Prefix.Concat(args))
            psi.ArgumentList.Add(a);
        using var child = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {prox.FileName}");
        var tail = new Queue<string>();
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (tail)
            {
                tail.Enqueue(e.Data);
                if (tail.Count > 5) tail.Dequeue();
            }
        };
        child.BeginErrorReadLine();
        using var registration = cancel.Register(() => Interrupt(child));
        while (child.StandardOutput.ReadLine() is { } line)
            onLine(line);
        child.WaitForExit();
        lock (tail)
            return (child.ExitCode, string.Join(" / ", tail));
    }

    /// <summary>SIGINT, as Ctrl-C would send: <c>prox train</c>
    /// then writes a checkpoint and exits with 130.</summary>
    static void Interrupt(Process child)
    {
        try
        {
            if (OperatingSystem.IsWindows()) child.Kill();
            else Process.Start("kill", ["-INT", child.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }

    [GeneratedRegex(@"^step (\d+)/(\d+)")]
    private static partial Regex StepLine();
}

/// <summary>Some runs failed; the others finished. Each failed run
/// keeps its last checkpoint, so the next call resumes it.</summary>
public sealed class RunsFailedException(IReadOnlyList<string> failures)
    : Exception($"{failures.Count} run(s) failed: {string.Join("; ", failures)}")
{
    /// <summary>One line per failed run: name, directory, error.</summary>
    public IReadOnlyList<string> Failures { get; } = failures;
}
