using Research.DeepAgents.Training;

namespace Research.Studies;

/// <summary>The state of one run of a study, read from its
/// run directory and the executors' markers.</summary>
public enum RunPhase
{
    /// <summary>Not started (no config.json).</summary>
    Pending,
    /// <summary>Started, not complete, no process working on
    /// it: the next <c>prox sweep run</c> resumes it.</summary>
    Partial,
    /// <summary>A live process (here or on another host) works on it.</summary>
    Running,
    /// <summary>The checkpoint holds every step.</summary>
    Complete,
    /// <summary>The last attempt failed (retried by the next <c>prox sweep run</c>).</summary>
    Failed,
}

/// <summary>One run's line of <c>prox sweep status</c>.</summary>
/// <param name="Run">The run.</param>
/// <param name="Directory">Its run directory.</param>
/// <param name="Phase">Its state.</param>
/// <param name="Steps">Agent steps in its checkpoint (0 without one).</param>
/// <param name="TotalSteps">Agent steps it trains for.</param>
/// <param name="Detail">Where it runs, or the failure, or "".</param>
public sealed record RunStatus(TrainingRun Run, string Directory, RunPhase Phase, long Steps, long TotalSteps, string Detail);

/// <summary>The states of a study's runs from the run directories alone (docs/sweeps.md, "Status").</summary>
public static class StudyStatus
{
    /// <summary>Every run of <paramref name="runs"/> below <paramref name="root"/>, in grid order.</summary>
    public static IReadOnlyList<RunStatus> Read(IReadOnlyList<TrainingRun> runs, string root)
    {
        var markers = new RunMarkers(root);
        return runs.Select(run =>
        {
            string dir = Path.Combine(root, run.Name);
            var config = run.Config();
            var state = RunScheduler.Inspect(run, dir, config);
            var checkpoint = new RunDirectory(dir).CheckpointPath;
            long steps = File.Exists(checkpoint) ? Checkpoint.ReadHeader(checkpoint).Steps : 0;
            if (state == RunState.Complete)
                return new RunStatus(run, dir, RunPhase.Complete, steps, config.TotalSteps, "");
            if (markers.RunningOn(run.Name) is { } where)
                return new RunStatus(run, dir, RunPhase.Running, steps, config.TotalSteps, where);
            if (markers.FailureOf(run.Name) is { } error)
                return new RunStatus(run, dir, RunPhase.Failed, steps, config.TotalSteps, error);
            return new RunStatus(run, dir, state == RunState.New ? RunPhase.Pending : RunPhase.Partial, steps, config.TotalSteps, "");
        }).ToList();
    }
}
