using Research.DeepAgents.Environments;
using Research.DeepAgents.Networks;
using Research.DeepAgents.Networks.Backprop;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Replay;
using Research.DeepAgents.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.DeepAgents.Agents;

/// <summary>What one training step did: an update (with its loss and mean Q) and/or a target refresh (with d_k).</summary>
/// <param name="Updated">A gradient update ran.</param>
/// <param name="Loss">Its mean Huber loss (NaN when no update ran).</param>
/// <param name="MeanQ">Mean of Q(s, a) over its batch (NaN when no update ran).</param>
/// <param name="Synced">The target network was refreshed.</param>
/// <param name="TargetChange">||theta_k - theta_{k-1}|| globally and per parameter tensor (null when not synced).</param>
public sealed record StepOutcome(bool Updated, float Loss, float MeanQ, bool Synced, NormDifference? TargetChange)
{
    /// <summary>Nothing happened (warm-up or between updates).</summary>
    public static StepOutcome None { get; } = new(false, float.NaN, float.NaN, false, null);
}

/// <summary>
/// DQN (Mnih et al. 2015) as Dopamine and MinAtar run it, and DQN Pro (Asadi et al. 2022) when
/// <see cref="TrainingConfig.Agent"/> is <c>dqn-pro</c>: the same agent whose optimizer is wrapped by the
/// proximal pull w &lt;- (1 - mu) w + mu theta, mu = alpha / c~ (docs/proximal-updates.md, "The update").
/// <para>Per agent step (Dopamine's <c>step</c> + <c>_train_step</c>): act epsilon-greedily, store the
/// transition, then, once more than <c>MinReplayHistory</c> transitions are stored, update every
/// <c>UpdatePeriod</c> steps and copy online -&gt; target every <c>TargetUpdatePeriod</c> steps or updates.</para>
/// <para>Atari (<c>FrameStack</c> &gt; 1): replay is a <see cref="FrameStackReplay"/> that stores one frame per step and
/// rebuilds s and s' as k-frame stacks (as Rainbow), so 1M transitions take 7.07 GB instead of 28.2 GB.</para>
/// </summary>
public sealed class DqnAgent : IAgent
{
    readonly TrainingConfig _config;
    readonly long[] _batchShape;
    readonly ReplayBatch _batch;
    readonly ActingInput _actInput;      // [1, C, H, W], reused by every action selection
    readonly Xoshiro256 _exploration;
    readonly Xoshiro256? _frameSampling; // FrameStackReplay's sampling stream (a ReplayBuffer owns its own)
    readonly ProximalPull? _pull;
    readonly FusedDqnUpdate? _fused;     // the hand-derived update (UpdateKernel.Fused), or null for autograd

    /// <summary>
    /// Builds the online network (seeded from the run seed's <c>network</c> stream), its target (a copy,
    /// Algorithm 1's w = theta; or an independent network when <c>PullTowardRandomTargetAtStart</c>), the
    /// optimizer (wrapped by the pull for <c>dqn-pro</c>), the replay buffer and the exploration stream.
    /// </summary>
    public DqnAgent(TrainingConfig config, ObservationSpec observation, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(observation);
        ConfigValidation.Validate(config);
        _config = config;
        ActionCount = actionCount;

        Online = QNetworkFactory.Create(config.Network, observation, actionCount, (long)Seeds.Derive(config.Seed, Seeds.Network));
        Target = config.PullTowardRandomTargetAtStart
            ? QNetworkFactory.CreateIndependentTarget(Online, (long)Seeds.Derive(config.Seed, Seeds.TargetNetwork))
            : QNetworkFactory.CreateTarget(Online);

        Optimizer = AgentParts.CreateOptimizer(config, Online, Target, out _pull);

        Replay = AgentReplay.Create(config, observation);
        if (Replay is FrameStackReplay) _frameSampling = new Xoshiro256(Seeds.Derive(config.Seed, Seeds.Replay));
        _batch = new ReplayBatch(config.BatchSize, observation.Size);
        _batchShape = [config.BatchSize, observation.Channels, observation.Height, observation.Width];
        _actInput = new ActingInput(observation);
        _exploration = new Xoshiro256(Seeds.Derive(config.Seed, Seeds.Exploration));
        Kernel = ResolveKernel(config.UpdateKernel, Online.Spec);
        if (Kernel == UpdateKernel.Fused) _fused = new FusedDqnUpdate(Online, Target, config.BatchSize);
    }

    /// <summary>
    /// The gradient path <paramref name="requested"/> resolves to for <paramref name="spec"/>: <c>Auto</c> is
    /// <c>Fused</c> where <see cref="LayerPlan.Unsupported"/> allows it, else <c>Autograd</c>.
    /// </summary>
    /// <exception cref="ConfigException"><c>Fused</c> was requested for a network the kernels do not cover.</exception>
    public static UpdateKernel ResolveKernel(UpdateKernel requested, NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var unsupported = LayerPlan.Unsupported(spec);
        return requested switch
        {
            UpdateKernel.Autograd => UpdateKernel.Autograd,
            UpdateKernel.Auto => unsupported is null ? UpdateKernel.Fused : UpdateKernel.Autograd,
            _ => unsupported is null ? UpdateKernel.Fused
                : throw new ConfigException("update-kernel", "fused", $"auto or autograd here: the fused kernels do not support {unsupported}"),
        };
    }

    /// <summary>The gradient path this agent uses (<see cref="TrainingConfig.UpdateKernel"/>, resolved).</summary>
    public UpdateKernel Kernel { get; }

    /// <summary>The online network w.</summary>
    public QNetwork Online { get; }
    /// <summary>The target network theta.</summary>
    public QNetwork Target { get; }
    /// <summary>The optimizer (a <see cref="ProximalOptimizer"/> for DQN Pro).</summary>
    public IOptimizer Optimizer { get; }
    /// <summary>The replay ring: a <see cref="ReplayBuffer"/>, or a <see cref="FrameStackReplay"/> (one frame per transition) when <c>FrameStack</c> &gt; 1.</summary>
    public IReplayRing Replay { get; }
    /// <summary>Number of actions.</summary>
    public int ActionCount { get; }
    /// <summary>mu = alpha / c~ of the pull (0 for DQN).</summary>
    public double Mu => _config.IsPro ? _pull!.Mu : 0.0;

    /// <summary>Training steps taken (transitions stored).</summary>
    public long Steps { get; private set; }
    /// <summary>Gradient updates taken.</summary>
    public long Updates { get; private set; }
    /// <summary>Target refreshes so far (k of theta_k).</summary>
    public long Syncs { get; private set; }

    /// <summary>The training epsilon for the next action (<see cref="EpsilonSchedule.At"/>).</summary>
    public double Epsilon => EpsilonSchedule.At(_config.EpsilonSchedule, Steps, _config.EpsilonWarmupSteps,
        _config.EpsilonDecaySteps, _config.EpsilonStart, _config.EpsilonEnd);

    /// <summary>Records the first observation of a training episode.</summary>
    public void BeginEpisode(ReadOnlySpan<float> observation) => Replay.BeginEpisode(observation);

    /// <summary>Epsilon-greedy training action for <paramref name="observation"/> with the scheduled epsilon.</summary>
    public int SelectAction(ReadOnlySpan<float> observation) => SelectAction(observation, Epsilon, _exploration);

    /// <summary>
    /// Epsilon-greedy action: with probability <paramref name="epsilon"/> a uniform action, otherwise
    /// argmax_a Q_online(s, a). Draws one uniform from <paramref name="random"/>, plus one more for a random action.
    /// </summary>
    public int SelectAction(ReadOnlySpan<float> observation, double epsilon, Xoshiro256 random)
    {
        if (EpsilonGreedy.Explore(random, epsilon, ActionCount, out int action)) return action;
        return GreedyAction(observation);
    }

    /// <summary>argmax_a Q_online(s, a) (the first maximum on ties).</summary>
    public int GreedyAction(ReadOnlySpan<float> observation)
    {
        if (_fused is not null) return _fused.GreedyAction(observation);
        var input = _actInput.Fill(observation); // in place, no copy of the tensor
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return (int)Online.forward(input).argmax(1).item<long>();
    }

    /// <summary>
    /// Stores the transition (s, a, r, terminated, s') and runs Dopamine's <c>_train_step</c> for this step:
    /// an update every <c>UpdatePeriod</c> steps and a target refresh every <c>TargetUpdatePeriod</c>
    /// steps (or updates), both only once more than <c>MinReplayHistory</c> transitions are stored.
    /// </summary>
    public StepOutcome Observe(int action, float reward, bool terminated, ReadOnlySpan<float> nextObservation)
    {
        Replay.Add(action, reward, terminated, nextObservation);
        Steps++;
        if (!TrainSchedule.Learning(_config, Steps)) return StepOutcome.None;

        bool updated = TrainSchedule.UpdateDue(_config, Steps);
        var (loss, meanQ) = updated ? Update() : (float.NaN, float.NaN);
        bool sync = TrainSchedule.SyncDue(_config, Steps, updated, Updates);
        var change = sync ? SyncTarget() : null;
        return updated || sync ? new StepOutcome(updated, loss, meanQ, sync, change) : StepOutcome.None;
    }

    /// <summary>
    /// One gradient step on a uniformly sampled minibatch: Huber(Q(s, a) - y) averaged over the batch, with
    /// y = r + gamma (1 - terminal) max_a' Q_target(s', a') (<see cref="TdTargets.Dqn"/>), optionally plus the
    /// nu penalty; then the optimizer step (for DQN Pro: pull, then step). Returns the loss and mean Q(s, a).
    /// The gradient comes from <see cref="FusedDqnUpdate"/> when <see cref="Kernel"/> is <c>Fused</c>, else from autograd.
    /// </summary>
    public (float Loss, float MeanQ) Update()
    {
        if (Replay is FrameStackReplay frames) frames.Sample(_batch, _frameSampling!); // s and s' rebuilt from single frames
        else ((ReplayBuffer)Replay).Sample(_batch);
        if (_fused is not null)
        {
            var result = _fused.LossAndGradient(_batch, _config.Gamma, _config.HuberDelta, _config.Nu);
            Optimizer.Step();
            Updates++;
            return result;
        }
        using var scope = NewDisposeScope();
        var states = tensor(_batch.Observations, _batchShape);
        var nextStates = tensor(_batch.NextObservations, _batchShape);
        var actions = tensor(_batch.Actions);
        var rewards = tensor(_batch.Rewards);
        var terminals = tensor(_batch.Terminals);

        var q = Online.forward(states).gather(1, actions.unsqueeze(1)).squeeze(1);
        Tensor y;
        using (no_grad())
            y = TdTargets.Dqn(rewards, terminals, Target.forward(nextStates), _config.Gamma);
        var loss = Losses.HuberMean(q, y, _config.HuberDelta);
        if (_config.Nu > 0) loss = loss + _pull!.PenaltyLoss(_config.Nu);

        Optimizer.ZeroGrad();
        loss.backward();
        Optimizer.Step();
        Updates++;
        return (loss.item<float>(), q.mean().item<float>());
    }

    /// <summary>Hard copy theta_k &lt;- w; returns d_k = ||theta_k - theta_{k-1}||_2 (global and per parameter).</summary>
    public NormDifference SyncTarget()
    {
        Syncs++;
        return TargetSync.Refresh(Online, Target);
    }

    /// <summary>Writes the complete agent state: counters, exploration stream, both networks, optimizer, replay.</summary>
    public void Save(BinaryWriter writer)
    {
        AgentParts.SaveCommon(writer, this, _exploration, Online, Target, Optimizer);
        Replay.Save(writer);
        _frameSampling?.Save(writer);
    }

    /// <summary>Restores a state written by <see cref="Save"/> of an agent built from the same config.</summary>
    public void Load(BinaryReader reader)
    {
        (Steps, Updates, Syncs) = AgentParts.LoadCommon(reader, _exploration, Online, Target, Optimizer);
        Replay.Load(reader);
        _frameSampling?.Load(reader);
    }

    /// <summary>The optimizer hyperparameters of <paramref name="config"/>.</summary>
    public static OptimizerConfig OptimizerConfigOf(TrainingConfig config) => config.Optimizer switch
    {
        OptimizerKind.Adam => new AdamConfig(config.LearningRate, config.AdamBeta1, config.AdamBeta2, config.OptimizerEpsilon, config.OptimizerForm),
        OptimizerKind.RmsProp => new RmsPropConfig(config.LearningRate, config.RmsPropDecay, config.RmsPropMomentum, config.OptimizerEpsilon, config.RmsPropCentered, config.OptimizerForm),
        _ => throw new ConfigException("optimizer", config.Optimizer.ToString(), "adam or rms-prop"),
    };

    /// <inheritdoc />
    public void Dispose()
    {
        _actInput.Dispose();
        _pull?.Dispose();
        _fused?.Dispose();
        AgentParts.DisposeOptimizer(Optimizer);
        Online.Dispose();
        Target.Dispose();
    }
}
