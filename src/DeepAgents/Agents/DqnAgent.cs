using Research.DeepAgents.Environments;
using Research.DeepAgents.Networks;
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
/// proximal pull w &lt;- (1 - mu) w + mu theta, mu = alpha / c~ (spec/proximal-updates.md, "The update").
/// <para>Per agent step (Dopamine's <c>step</c> + <c>_train_step</c>): act epsilon-greedily, store the
/// transition, then, once more than <c>MinReplayHistory</c> transitions are stored, update every
/// <c>UpdatePeriod</c> steps and copy online -&gt; target every <c>TargetUpdatePeriod</c> steps or updates.</para>
/// </summary>
public sealed class DqnAgent : IAgent
{
    readonly TrainingConfig _config;
    readonly ObservationSpec _observation;
    readonly long[] _batchShape;
    readonly ReplayBatch _batch;
    readonly Tensor _actInput;           // [1, C, H, W], reused by every action selection
    readonly Xoshiro256 _exploration;
    readonly ProximalPull? _pull;

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
        _observation = observation;
        ActionCount = actionCount;

        Online = QNetworkFactory.Create(config.Network, observation, actionCount, (long)Seeds.Derive(config.Seed, Seeds.Network));
        Target = config.PullTowardRandomTargetAtStart
            ? QNetworkFactory.CreateIndependentTarget(Online, (long)Seeds.Derive(config.Seed, Seeds.TargetNetwork))
            : QNetworkFactory.CreateTarget(Online);

        var optimizer = Optimizers.Create(OptimizerConfigOf(config), Online);
        if (config.IsPro || config.Nu > 0)
            _pull = new ProximalPull(Online, Target, config.IsPro ? config.CTilde : double.PositiveInfinity, config.LearningRate);
        Optimizer = config.IsPro ? new ProximalOptimizer(optimizer, _pull!) : optimizer;

        Replay = new ReplayBuffer(observation, config.ReplayCapacity, Seeds.Derive(config.Seed, Seeds.Replay));
        _batch = new ReplayBatch(config.BatchSize, observation.Size);
        _batchShape = [config.BatchSize, observation.Channels, observation.Height, observation.Width];
        _actInput = zeros([1, observation.Channels, observation.Height, observation.Width], ScalarType.Float32);
        _exploration = new Xoshiro256(Seeds.Derive(config.Seed, Seeds.Exploration));
    }

    /// <summary>The online network w.</summary>
    public QNetwork Online { get; }
    /// <summary>The target network theta.</summary>
    public QNetwork Target { get; }
    /// <summary>The optimizer (a <see cref="ProximalOptimizer"/> for DQN Pro).</summary>
    public IOptimizer Optimizer { get; }
    /// <summary>The replay buffer.</summary>
    public ReplayBuffer Replay { get; }
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
        if (random.NextDouble() < epsilon) return random.NextInt(ActionCount);
        return GreedyAction(observation);
    }

    /// <summary>argmax_a Q_online(s, a) (the first maximum on ties).</summary>
    public int GreedyAction(ReadOnlySpan<float> observation)
    {
        if (observation.Length != _observation.Size)
            throw new ArgumentException($"observation has {observation.Length} values; the network takes {_observation.Size}.", nameof(observation));
        observation.CopyTo(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_actInput.bytes)); // in place, no copy of the tensor
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return (int)Online.forward(_actInput).argmax(1).item<long>();
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
        if (Steps <= _config.MinReplayHistory) return StepOutcome.None;

        bool updated = false;
        float loss = float.NaN, meanQ = float.NaN;
        bool sync = false;
        if (Steps % _config.UpdatePeriod == 0)
        {
            (loss, meanQ) = Update();
            updated = true;
            sync = _config.TargetPeriodUnit == TargetPeriodUnit.Updates && Updates % _config.TargetUpdatePeriod == 0;
        }
        if (_config.TargetPeriodUnit == TargetPeriodUnit.AgentSteps && Steps % _config.TargetUpdatePeriod == 0)
            sync = true;
        var change = sync ? SyncTarget() : null;
        return updated || sync ? new StepOutcome(updated, loss, meanQ, sync, change) : StepOutcome.None;
    }

    /// <summary>
    /// One gradient step on a uniformly sampled minibatch: Huber(Q(s, a) - y) averaged over the batch, with
    /// y = r + gamma (1 - terminal) max_a' Q_target(s', a') (<see cref="TdTargets.Dqn"/>), optionally plus the
    /// nu penalty; then the optimizer step (for DQN Pro: pull, then step). Returns the loss and mean Q(s, a).
    /// </summary>
    public (float Loss, float MeanQ) Update()
    {
        Replay.Sample(_batch);
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
        using var previous = ParameterSnapshot.Take(Target);
        TargetNetwork.HardCopy(Online, Target);
        Syncs++;
        return TargetNorms.Difference(previous, Target);
    }

    /// <summary>Writes the complete agent state: counters, exploration stream, both networks, optimizer, replay.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Steps);
        writer.Write(Updates);
        writer.Write(Syncs);
        _exploration.Save(writer);
        Checkpoints.SaveParameters(Online, writer);
        Checkpoints.SaveParameters(Target, writer);
        Optimizer.Save(writer);
        Replay.Save(writer);
    }

    /// <summary>Restores a state written by <see cref="Save"/> of an agent built from the same config.</summary>
    public void Load(BinaryReader reader)
    {
        Steps = reader.ReadInt64();
        Updates = reader.ReadInt64();
        Syncs = reader.ReadInt64();
        _exploration.Load(reader);
        Checkpoints.LoadParameters(Online, reader);
        Checkpoints.LoadParameters(Target, reader);
        Optimizer.Load(reader);
        Replay.Load(reader);
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
        (Optimizer as IDisposable)?.Dispose();
        if (Optimizer is ProximalOptimizer pro) (pro.Inner as IDisposable)?.Dispose();
        Online.Dispose();
        Target.Dispose();
    }
}
