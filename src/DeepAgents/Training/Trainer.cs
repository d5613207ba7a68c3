using System.Diagnostics;
using System.Text.Json;
using Research.DeepAgents.Agents;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Environments.Atari;
using Research.DeepAgents.Torch;

namespace Research.DeepAgents.Training;

/// <summary>A snapshot of a run in progress, for progress displays.</summary>
/// <param name="Step">Agent steps done.</param>
/// <param name="TotalSteps">Agent steps to do.</param>
/// <param name="Episodes">Training episodes finished.</param>
/// <param name="RecentReturn">Mean return of the last (up to) 100
/// training episodes of this session; NaN before the first.</param>
/// <param name="Epsilon">Current training epsilon.</param>
/// <param name="StepsPerSecond">Training speed of this session.</param>
/// <param name="WallSeconds">Wall-clock seconds of all sessions.</param>
/// <param name="Updates">Gradient updates done.</param>
/// <param name="LastEvaluation">The latest evaluation, if any.</param>
public sealed record TrainingStatus(long Step, long TotalSteps, long Episodes, double RecentReturn, double Epsilon,
    double StepsPerSecond, double WallSeconds, long Updates, EvaluationResult? LastEvaluation);

/// <summary>How a call to <see cref="Trainer.Run"/> ended.</summary>
/// <param name="Completed">True when <c>TotalSteps</c> were reached;
/// false when cancelled (a checkpoint was written).</param>
/// <param name="Steps">Agent steps done.</param>
/// <param name="Episodes">Training episodes finished.</param>
/// <param name="LastEvaluation">The latest evaluation, if any.</param>
/// <param name="WallSeconds">Wall-clock seconds of all sessions.</param>
public sealed record TrainingResult(bool Completed, long Steps, long Episodes, EvaluationResult? LastEvaluation, double WallSeconds);

/// <summary>
/// The training loop (design.md, "Training loop"): one environment, one agent (<see cref="IAgent"/>: DQN, DQN
/// Pro, Rainbow, Rainbow Pro), evaluation
/// phases every <c>EvalPeriod</c> steps, metrics in the run directory, checkpoints every
/// <c>CheckpointPeriod</c> steps, at the end and on cancellation (Ctrl-C). Deterministic for a seed on CPU;
/// <see cref="Resume"/> continues bit-for-bit (metrics files are cut back to the checkpoint's offsets).
/// <para>With a game environment (Atari, <see cref="IGameEnvironment"/>) a life loss ends the agent's
/// learning episode (terminal for learning; the environment continues the game at <c>Reset</c>) while
/// episodes.csv reports whole games.</para>
/// </summary>
public sealed class Trainer : IDisposable
{
    readonly IEnvironment _env;
    readonly EnvironmentMaker _environments;
    readonly RunMetrics _metrics;
    readonly float[] _observation;
    readonly Queue<double> _recentReturns = new();
    RunInfo _info;
    long _episodes, _evaluations, _episodeLength;
    double _episodeReturn, _previousWallSeconds;
    EvaluationResult? _lastEvaluation;

    Trainer(TrainingConfig config, RunDirectory run, RunInfo info, IReadOnlyDictionary<string, long>? offsets, EnvironmentMaker environments)
    {
        _environments = environments;
        Config = config;
        Run = run;
        _info = info;
        TorchRuntime.Initialize(config.Threads);
        _env = environments(config, Seeds.DeriveInt(config.Seed, Seeds.Environment));
        Agent = AgentFactory.Create(config, _env.Observation, _env.ActionCount);
        // record the resolved gradient path
        Config = config with { UpdateKernel = Agent is DqnAgent dqn ? dqn.Kernel : UpdateKernel.Autograd };
        _observation = new float[_env.Observation.Size];
        try
        {
            IScalarSink? sink = config.TensorBoard ? new TensorBoardSink(run.Root, Config) : null;
            _metrics = new RunMetrics(run.MetricsDirectory, offsets, sink);
        }
        catch
        {
            Agent.Dispose();
            (_env as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>The resolved config.</summary>
    public TrainingConfig Config { get; private set; }
    /// <summary>The run directory.</summary>
    public RunDirectory Run { get; }
    /// <summary>The agent.</summary>
    public IAgent Agent { get; }

    /// <summary>
    /// Checks everything <see cref="Start"/> checks before it writes: validates the config, refuses a
    /// <paramref name="directory"/> that already holds a run (config.json) and builds (then disposes) the
    /// training environment (<see cref="CheckEnvironment"/>).
    /// </summary>
    public static void CheckStart(TrainingConfig config, string directory, EnvironmentMaker? environments = null)
    {
        ConfigValidation.Validate(config);
        RefuseExistingRun(directory);
        CheckEnvironment(config, environments);
    }

    /// <summary>Builds (and disposes) the training environment as a run would: an unknown id, or Atari
    /// without the ALE or the right ROM, fails here, before anything is written.</summary>
    public static void CheckEnvironment(TrainingConfig config, EnvironmentMaker? environments = null) =>
        ((environments ?? TrainingEnvironments.Create)(config, 0) as IDisposable)?.Dispose();

    static void RefuseExistingRun(string directory)
    {
        if (File.Exists(new RunDirectory(directory).ConfigPath))
            throw new ConfigException("--out", directory, "a directory without a run (this one has config.json: continue it with --resume, or choose another --out)");
    }

    /// <summary>
    /// Starts a new run in <paramref name="directory"/> (which must not already hold a run): checks it
    /// (<see cref="CheckStart"/>), writes config.json and opens fresh metrics files.
    /// <paramref name="environments"/> replaces <see cref="TrainingEnvironments.Create"/> (for training and
    /// evaluation environments), e.g. a synthetic Atari backend. With <paramref name="startChecked"/> (the
    /// caller ran <see cref="CheckStart"/> itself) only the cheap checks are repeated, not the environment.
    /// </summary>
    public static Trainer Start(TrainingConfig config, string directory, EnvironmentMaker? environments = null, bool startChecked = false)
    {
        environments ??= TrainingEnvironments.Create;
        if (startChecked)
        {
            ConfigValidation.Validate(config);
            RefuseExistingRun(directory);
        }
        else CheckStart(config, directory, environments);
        return Begin(config, new RunDirectory(directory), RunInfo.Now(config.Seed), environments);
    }

    // A run from step 0: (re)creates the directory's files, writes config.json and starts the first episode.
    static Trainer Begin(TrainingConfig config, RunDirectory run, RunInfo info, EnvironmentMaker environments)
    {
        run.Create();
        var trainer = new Trainer(config, run, info, null, environments);
        run.WriteConfig(trainer.Config, info);
        trainer._env.Observe(trainer._observation);
        trainer.Agent.BeginEpisode(trainer._observation);
        return trainer;
    }

    /// <summary>
    /// Continues the run in <paramref name="directory"/> from its checkpoint, optionally with a new
    /// <paramref name="totalSteps"/> (the only value that may change). Metrics files are truncated to the
    /// checkpoint's offsets, so the result is byte-identical to an uninterrupted run. The checkpoint is
    /// verified first; a damaged latest one falls back to the previous one (<see cref="Checkpoint.Latest"/>),
    /// and a run killed before its first checkpoint starts again from step 0 with fresh metrics. Each such
    /// decision is told to <paramref name="notice"/>.
    /// </summary>
    public static Trainer Resume(string directory, long? totalSteps = null, EnvironmentMaker? environments = null, Action<string>? notice = null)
    {
        notice ??= _ => { };
        environments ??= TrainingEnvironments.Create;
        var run = new RunDirectory(directory);
        var (stored, info) = run.ReadConfig();
        var config = RunDirectory.AsRecorded(stored);
        if (totalSteps is long t) config = config with { TotalSteps = t };
        ConfigValidation.Validate(config);
        string? checkpoint = Checkpoint.Latest(run, notice);
        if (checkpoint is null)
        {
            notice($"{run.Root} has its config.json but no checkpoint yet (stopped before the first one): starting it again from step 0, metrics cleared.");
            CheckEnvironment(config, environments);
            return Begin(config, run, RunInfo.Now(config.Seed), environments);
        }
        var header = Checkpoint.ReadHeader(checkpoint);
        run.CheckMatches(config, header, checkpoint);
        if (config.TotalSteps < header.Steps)
            throw new ConfigException("total-steps", config.TotalSteps.ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"at least the {header.Steps} steps already done");
        var trainer = new Trainer(config, run, info.Resumed(header.Steps), header.MetricsOffsets, environments);
        try
        {
            Checkpoint.ReadVerified(checkpoint,
                state => ((ISnapshotEnvironment)trainer._env).RestoreState(state),
                reader => trainer.Agent.Load(reader));
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        trainer._episodes = header.Loop.Episodes;
        trainer._episodeReturn = header.Loop.EpisodeReturn;
        trainer._episodeLength = header.Loop.EpisodeLength;
        trainer._evaluations = header.Loop.Evaluations;
        trainer._previousWallSeconds = header.Loop.WallSeconds;
        trainer._env.Observe(trainer._observation);
        run.WriteConfig(config, trainer._info);
        return trainer;
    }

    /// <summary>
    /// Trains until <c>TotalSteps</c> or until <paramref name="cancel"/> is signalled (then writes a
    /// checkpoint and returns). <paramref name="progress"/> is
    /// called every <paramref name="progressEvery"/> steps.
    /// </summary>
    public TrainingResult Train(CancellationToken cancel = default, Action<TrainingStatus>? progress = null, long progressEvery = 1000)
    {
        var clock = Stopwatch.StartNew();
        long sessionStartStep = Agent.Steps;
        long lastThroughputStep = Agent.Steps, lastThroughputUpdates = Agent.Updates;
        double lastThroughputTime = 0;
        var c = Config;
        while (Agent.Steps < c.TotalSteps)
        {
            if (cancel.IsCancellationRequested)
            {
                WriteCheckpoint(clock);
                return Result(false, clock);
            }

            // Act, step the environment, learn (Dopamine's Runner._run_one_step + agent.step).
            int action = Agent.SelectAction(_observation);
            var result = _env.Step(action);
            _env.Observe(_observation);
            _episodeReturn += result.Reward;
            _episodeLength++;
            bool timeLimit = c.MaxEpisodeSteps > 0 && _episodeLength >= c.MaxEpisodeSteps;
            float learningReward = c.RewardClip > 0 ? Math.Clamp(result.Reward, (float)-c.RewardClip, (float)c.RewardClip) : result.Reward;
            var outcome = Agent.Observe(action, learningReward, result.Terminated, _observation);
            long step = Agent.Steps;

            if (outcome.Updated && Agent.Updates % c.UpdateLogPeriod == 0)
                _metrics.Update(step, Agent.Updates, outcome.Loss, outcome.MeanQ, Agent.Epsilon);
            if (outcome.Synced)
                _metrics.TargetSync(step, Agent.Syncs, Agent.Updates, outcome.TargetChange!.Global,
                    outcome.TargetChange.PerParameter.Select(p => new LayerNorm(p.Name, p.Norm)).ToArray());

            if (result.Done && !timeLimit && _env is IGameEnvironment { GameEnded: false })
            {
                // A life lost (terminal for learning): a new learning episode
                // in the same game, which episodes.csv reports whole.
                _env.Reset();
                _env.Observe(_observation);
                Agent.BeginEpisode(_observation);
            }
            else if (result.Done || timeLimit)
            {
                _episodes++;
                _metrics.Episode(step, _episodes, _episodeReturn, _episodeLength, !result.Terminated);
                _recentReturns.Enqueue(_episodeReturn);
                if (_recentReturns.Count > 100) _recentReturns.Dequeue();
                _episodeReturn = 0;
                _episodeLength = 0;
                _env.Reset();
                _env.Observe(_observation);
                Agent.BeginEpisode(_observation);
            }

            if (c.EvalPeriod > 0 && step % c.EvalPeriod == 0)
            {
                _evaluations++;
                _lastEvaluation = Evaluation.Run(Agent, c, _evaluations, environments: _environments);
                _metrics.Evaluation(step, _evaluations, _lastEvaluation);
            }
            if (step % c.ThroughputLogPeriod == 0)
            {
                double now = clock.Elapsed.TotalSeconds;
                double dt = Math.Max(now - lastThroughputTime, 1e-9);
                _metrics.Throughput(step, _previousWallSeconds + now, (step - lastThroughputStep) / dt,
                    Agent.Updates, (Agent.Updates - lastThroughputUpdates) / dt);
                (lastThroughputStep, lastThroughputUpdates, lastThroughputTime) = (step, Agent.Updates, now);
            }
            if (c.CheckpointPeriod > 0 && step % c.CheckpointPeriod == 0 && step < c.TotalSteps)
                WriteCheckpoint(clock);
            if (progress is not null && (step % progressEvery == 0 || step == c.TotalSteps))
                progress(Status(clock, sessionStartStep));
        }
        WriteCheckpoint(clock);
        return Result(true, clock);
    }

    /// <summary>The current status (as passed to the progress callback).</summary>
    TrainingStatus Status(Stopwatch clock, long sessionStartStep)
    {
        double seconds = clock.Elapsed.TotalSeconds;
        return new TrainingStatus(Agent.Steps, Config.TotalSteps, _episodes,
            _recentReturns.Count > 0 ? _recentReturns.Average() : double.NaN, Agent.Epsilon,
            seconds > 0 ? (Agent.Steps - sessionStartStep) / seconds : 0, _previousWallSeconds + seconds, Agent.Updates, _lastEvaluation);
    }

    TrainingResult Result(bool completed, Stopwatch clock) =>
        new(completed, Agent.Steps, _episodes, _lastEvaluation, _previousWallSeconds + clock.Elapsed.TotalSeconds);

    /// <summary>Writes checkpoints/checkpoint.bin for the current state (atomically).</summary>
    void WriteCheckpoint(Stopwatch clock)
    {
        if (_env is not ISnapshotEnvironment snapshot)
            throw new InvalidOperationException($"environment {_env.Name} cannot save its state, so the run cannot be checkpointed.");
        var header = new Checkpoint.Header(
            JsonSerializer.Serialize(Config, RunDirectory.JsonOptions),
            Agent.Steps,
            new LoopState(_episodes, _episodeReturn, _episodeLength, _evaluations, _previousWallSeconds + clock.Elapsed.TotalSeconds),
            _metrics.Offsets());
        Checkpoint.Write(Run.CheckpointPath, header, snapshot.SaveState(), Agent.Save, Run.PreviousCheckpointPath);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _metrics.Dispose();
        Agent.Dispose();
        (_env as IDisposable)?.Dispose();
    }
}
