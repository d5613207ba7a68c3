using Research.DeepAgents.Distributional;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Networks;
using Research.DeepAgents.Networks.Layers;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Replay;
using Research.DeepAgents.Training;
using static TorchSharp.torch;

namespace Research.DeepAgents.Agents;

/// <summary>
/// Rainbow as Dopamine's compact agent (Hessel et al. 2018, the pieces Dopamine keeps): a C51 head (<c>Atoms</c>
/// atoms on [<c>VMin</c>, <c>VMax</c>]), <c>NStep</c>-step returns and prioritized replay (switchable to uniform:
/// what the released Rainbow Pro code actually did); and Rainbow Pro (Asadi et al. 2022) when
/// <see cref="TrainingConfig.Agent"/> is <c>rainbow-pro</c>: the same agent whose optimizer is wrapped by the very
/// same <see cref="ProximalOptimizer"/> as DQN Pro's (docs/proximal-updates.md, "The update";
/// docs/agents.md, "Rainbow and Rainbow Pro").
/// <para>Per agent step (Dopamine's <c>RainbowAgent.step</c>): act epsilon-greedily on the mean of the online
/// distribution, store the transition (<see cref="PrioritizedSampler.Sync"/> gives a newly complete n-step window
/// the maximum recorded priority), then, once more than <c>MinReplayHistory</c> transitions are stored, update
/// every <c>UpdatePeriod</c> steps and copy online -&gt; target every <c>TargetUpdatePeriod</c> steps or updates
/// (the schedule of <see cref="DqnAgent"/>).</para>
/// <para>One update: sample B slots by priority; target m = Phi(r^(n) + gamma^m z) of p_target(s_{t+m}, a*), with
/// a* = argmax_a mean p_target(s_{t+m}, a) (or the online network's argmax with <c>DoubleQ</c>); per-sample loss
/// L_b = cross-entropy(m, softmax logits(s_t, a_t)); minimise mean_b(w_b L_b) with the normalised importance weights
/// w; then set each sampled slot's priority to (L_b + 1e-10)^alpha (Dopamine: sqrt).</para>
/// <para>"Full Rainbow" options: <c>DoubleQ</c>; <c>Dueling</c> (dueling head); <c>Noisy</c> (noisy output layers:
/// training epsilon 0, fresh noise from the <c>noise</c> stream before every training action and, for both networks,
/// before every update; evaluation and <see cref="GreedyAction"/> use the noise-free means).</para>
/// <para>Atari (<c>FrameStack</c> &gt; 1): the environment's <c>FrameStack</c> wrapper gives the acting input (the
/// last k frames) and replay is a <see cref="FrameStackReplay"/> that stores one frame per step and rebuilds stacks.</para>
/// </summary>
public sealed class RainbowAgent : IAgent
{
    readonly TrainingConfig _config;
    readonly long[] _batchShape;
    readonly NStepBatch _batch;
    readonly float[] _losses;
    readonly ActingInput _actInput;      // [1, C, H, W], reused by every action selection
    readonly Tensor _atoms;              // z_i, [N]
    readonly Xoshiro256 _exploration;
    readonly ProximalPull? _pull;
    readonly IReplayRing _ring;          // whole observations per slot (MinAtar, CartPole) or one frame per slot (Atari)
    readonly Generator? _noise;          // noisy layers' noise (Noisy only)

    /// <summary>
    /// Builds the online C51 network (seeded from the <c>network</c> stream), its target (a copy, or an independent
    /// network when <c>PullTowardRandomTargetAtStart</c>), the optimizer (wrapped by the pull for <c>rainbow-pro</c>),
    /// the replay ring with its prioritized n-step sampler (seeded from the <c>replay</c> stream) and the exploration stream.
    /// </summary>
    public RainbowAgent(TrainingConfig config, ObservationSpec observation, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(observation);
        ConfigValidation.Validate(config);
        if (!config.IsRainbow)
            throw new ConfigException("agent", config.Agent, "rainbow or rainbow-pro for a RainbowAgent");
        _config = config;
        ActionCount = actionCount;
        Support = new CategoricalSupport(config.Atoms, config.VMin, config.VMax);
        _atoms = Support.ToTensor();

        // Dopamine's RainbowNetwork (Atari) initialises with VarianceScaling(1/sqrt 3, fan_in, uniform); the MinAtar
        // and small networks keep their defaults (docs/agents.md, "Rainbow").
        Initialization? initialization = config.Network == NetworkKind.NatureCnn ? Initialization.DopamineVarianceScaling : null;
        Online = QNetworkFactory.Create(config.Network, observation, actionCount, (long)Seeds.Derive(config.Seed, Seeds.Network),
            config.Atoms, initialization, dueling: config.Dueling, noisy: config.Noisy, noisySigma0: config.NoisySigma0);
        Target = config.PullTowardRandomTargetAtStart
            ? QNetworkFactory.CreateIndependentTarget(Online, (long)Seeds.Derive(config.Seed, Seeds.TargetNetwork))
            : QNetworkFactory.CreateTarget(Online);
        if (config.Noisy)
        {
            _noise = new Generator(Seeds.Derive(config.Seed, Seeds.Noise), CPU);
            Target.train(); // the target's noisy layers sample noise too (eval mode would use the means)
        }

        Optimizer = AgentParts.CreateOptimizer(config, Online, Target, out _pull);

        _ring = AgentReplay.Create(config, observation);
        Sampler = new PrioritizedSampler(_ring, new NStepReturns(config.NStep, config.Gamma),
            new PrioritizedReplayConfig(config.Prioritized, config.PriorityAlpha, config.PriorityBeta), Seeds.Derive(config.Seed, Seeds.Replay));

        _batch = new NStepBatch(config.BatchSize, observation.Size);
        _losses = new float[config.BatchSize];
        _batchShape = [config.BatchSize, observation.Channels, observation.Height, observation.Width];
        _actInput = new ActingInput(observation);
        _exploration = new Xoshiro256(Seeds.Derive(config.Seed, Seeds.Exploration));
    }

    /// <summary>The online network w (logits [B, A, N]).</summary>
    public QNetwork Online { get; }
    /// <summary>The target network theta.</summary>
    public QNetwork Target { get; }
    /// <summary>The optimizer (a <see cref="ProximalOptimizer"/> for Rainbow Pro).</summary>
    public IOptimizer Optimizer { get; }
    /// <summary>The pull of Rainbow Pro (also built, with mu = 0, when only the nu penalty is on); null otherwise.</summary>
    public ProximalPull? Pull => _pull;
    /// <summary>The atoms z_0..z_{N-1}.</summary>
    public CategoricalSupport Support { get; }
    /// <summary>The replay ring: a <see cref="ReplayBuffer"/>, or a <see cref="FrameStackReplay"/> when <c>FrameStack</c> &gt; 1.</summary>
    public IReplayRing Replay => _ring;
    /// <summary>The n-step prioritized sampler over the replay ring.</summary>
    public PrioritizedSampler Sampler { get; }
    /// <summary>The latest sampled batch (slots, weights, n-step transitions), for inspection.</summary>
    public NStepBatch LastBatch => _batch;
    /// <summary>The per-sample losses of the latest update (the values sent to the priority update).</summary>
    public ReadOnlySpan<float> LastLosses => _losses;
    /// <inheritdoc />
    public int ActionCount { get; }
    /// <inheritdoc />
    public double Mu => _config.IsPro ? _pull!.Mu : 0.0;
    /// <inheritdoc />
    public long Steps { get; private set; }
    /// <inheritdoc />
    public long Updates { get; private set; }
    /// <inheritdoc />
    public long Syncs { get; private set; }

    /// <summary>The training epsilon for the next action (<see cref="EpsilonSchedule.At"/>, as DQN; 0 with noisy layers).</summary>
    public double Epsilon => _noise is not null ? 0.0 : EpsilonSchedule.At(_config.EpsilonSchedule, Steps, _config.EpsilonWarmupSteps,
        _config.EpsilonDecaySteps, _config.EpsilonStart, _config.EpsilonEnd);

    /// <inheritdoc />
    public void BeginEpisode(ReadOnlySpan<float> observation)
    {
        _ring.BeginEpisode(observation);
        Sampler.Sync();
    }

    /// <inheritdoc />
    public int SelectAction(ReadOnlySpan<float> observation)
    {
        if (_noise is not null) NoisyLinear.ResetAll(Online, _noise); // fresh noise for every training action
        return Act(observation, Epsilon, _exploration, withNoise: true);
    }

    /// <summary>
    /// With probability <paramref name="epsilon"/> a uniform action (a second draw), otherwise <see cref="GreedyAction"/>
    /// (evaluation: noisy layers use their means).
    /// </summary>
    public int SelectAction(ReadOnlySpan<float> observation, double epsilon, Xoshiro256 random) =>
        Act(observation, epsilon, random, withNoise: false);

    /// <summary>argmax_a sum_i z_i softmax(logits(s, a))_i of the online network (the first maximum on ties; noise-free means).</summary>
    public int GreedyAction(ReadOnlySpan<float> observation) => Greedy(observation, withNoise: false);

    int Act(ReadOnlySpan<float> observation, double epsilon, Xoshiro256 random, bool withNoise)
    {
        if (EpsilonGreedy.Explore(random, epsilon, ActionCount, out int action)) return action;
        return Greedy(observation, withNoise);
    }

    int Greedy(ReadOnlySpan<float> observation, bool withNoise)
    {
        var input = _actInput.Fill(observation);
        bool means = _noise is not null && !withNoise;
        if (means) Online.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            return (int)C51.Means(Online.forward(input), _atoms).argmax(1).item<long>();
        }
        finally
        {
            if (means) Online.train();
        }
    }

    /// <summary>
    /// Stores the transition, then runs this step's update and/or target refresh (the schedule of <see cref="DqnAgent.Observe"/>;
    /// an update is skipped while no slot has a complete n-step window, which only happens with a tiny min-replay-history).
    /// </summary>
    public StepOutcome Observe(int action, float reward, bool terminated, ReadOnlySpan<float> nextObservation)
    {
        _ring.Add(action, reward, terminated, nextObservation);
        Sampler.Sync();
        Steps++;
        if (!TrainSchedule.Learning(_config, Steps)) return StepOutcome.None;

        bool updated = TrainSchedule.UpdateDue(_config, Steps) && Sampler.SampleableCount > 0;
        var (loss, meanQ) = updated ? Update() : (float.NaN, float.NaN);
        bool sync = TrainSchedule.SyncDue(_config, Steps, updated, Updates);
        var change = sync ? SyncTarget() : null;
        return updated || sync ? new StepOutcome(updated, loss, meanQ, sync, change) : StepOutcome.None;
    }

    /// <summary>
    /// One gradient step of Dopamine's Rainbow <c>_build_train_op</c>: the C51 target, the per-sample cross-entropy,
    /// the importance-weighted mean (plus the optional nu penalty), the optimizer step (for Rainbow Pro: pull, then
    /// step), then the priority update from the per-sample losses. Returns the batch mean of the (unweighted)
    /// cross-entropy and the mean of Q(s, a) = sum_i z_i p_i(s, a) over the batch, both before the step.
    /// </summary>
    public (float Loss, float MeanQ) Update()
    {
        Sampler.Sample(_batch);
        if (_noise is not null)
        {
            NoisyLinear.ResetAll(Online, _noise);
            NoisyLinear.ResetAll(Target, _noise);
        }
        float meanLoss, meanQ;
        using (var scope = NewDisposeScope())
        {
            var states = tensor(_batch.Observations, _batchShape);
            var bootstrap = tensor(_batch.BootstrapObservations, _batchShape);
            var actions = tensor(_batch.Actions);
            var returns = tensor(_batch.Returns);
            var discounts = tensor(_batch.Discounts);
            var weights = tensor(_batch.Weights);

            var logits = Online.forward(states);
            Tensor target;
            using (no_grad())
                target = TargetDistribution(bootstrap, returns, discounts);
            var loss = C51.CrossEntropy(logits, actions, target);                 // [B]
            var objective = (weights * loss).mean();                             // IS-weighted (all weights 1 when uniform)
            if (_config.Nu > 0) objective = objective + _pull!.PenaltyLoss(_config.Nu);

            Optimizer.ZeroGrad();
            objective.backward();
            Optimizer.Step();
            Updates++;

            loss.detach().data<float>().CopyTo(_losses);
            meanLoss = loss.mean().item<float>();
            using (no_grad())
                meanQ = (C51.ChooseAction(logits.detach(), actions).softmax(-1) * _atoms).sum(-1).mean().item<float>();
        }
        Sampler.UpdatePriorities(_batch.Slots, _losses);                        // p = (L + 1e-10)^alpha; no-op when uniform
        return (meanLoss, meanQ);
    }

    // Phi(r^(n) + gamma^m z) of p_target(s', a*): a* by the target's mean (compact Rainbow) or by the online network's (DoubleQ).
    Tensor TargetDistribution(Tensor bootstrap, Tensor returns, Tensor discounts)
    {
        var nextTargetLogits = Target.forward(bootstrap);
        if (!_config.DoubleQ)
            return C51.TargetDistribution(Support, nextTargetLogits, returns, discounts, _atoms);
        var nextActions = C51.GreedyActions(Online.forward(bootstrap), _atoms);
        var chosen = C51.ChooseAction(nextTargetLogits.softmax(-1), nextActions);
        return CategoricalProjection.Project(Support, chosen, returns, discounts);
    }

    /// <summary>Hard copy theta_k &lt;- w; returns d_k = ||theta_k - theta_{k-1}||_2 (global and per parameter).</summary>
    public NormDifference SyncTarget()
    {
        Syncs++;
        return TargetSync.Refresh(Online, Target);
    }

    /// <summary>Writes the complete agent state: counters, exploration stream, both networks, optimizer, replay ring and sampler.</summary>
    public void Save(BinaryWriter writer)
    {
        AgentParts.SaveCommon(writer, this, _exploration, Online, Target, Optimizer);
        _ring.Save(writer);
        Sampler.Save(writer);
        if (_noise is not null)
        {
            using var state = _noise.get_state();
            var bytes = state.bytes.ToArray();
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
    }

    /// <summary>Restores a state written by <see cref="Save"/> of an agent built from the same config.</summary>
    public void Load(BinaryReader reader)
    {
        (Steps, Updates, Syncs) = AgentParts.LoadCommon(reader, _exploration, Online, Target, Optimizer);
        _ring.Load(reader);
        Sampler.Load(reader);
        if (_noise is not null)
        {
            var bytes = reader.ReadBytes(reader.ReadInt32());
            using var state = tensor(bytes, ScalarType.Byte);
            _noise.set_state(state);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _actInput.Dispose();
        _atoms.Dispose();
        _noise?.Dispose();
        _pull?.Dispose();
        AgentParts.DisposeOptimizer(Optimizer);
        Online.Dispose();
        Target.Dispose();
    }
}
