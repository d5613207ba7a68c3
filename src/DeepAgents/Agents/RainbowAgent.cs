using Research.DeepAgents.Configuration;
using Research.DeepAgents.Distributional;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Networks;
using Research.DeepAgents.Networks.Layers;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Replay;
using Research.Random;
using static TorchSharp.torch;

namespace Research.DeepAgents.Agents;

/// <summary>
/// Rainbow as Dopamine's compact agent (Hessel et al. 2018, the pieces Dopamine keeps): a C51 head
/// (<c>Atoms</c> atoms on [<c>VMin</c>, <c>VMax</c>]), <c>NStep</c>-step returns and prioritized replay
/// (switchable to uniform: what the released Rainbow Pro code actually did); and Rainbow Pro (Asadi et al.
/// 2022) when the run's agent is <c>rainbow-pro</c>: the same agent plus the very same
/// <see cref="ProximalPull"/> as DQN Pro's, applied after the gradient and before the optimizer step
/// (docs/proximal-updates.md, "The update"; docs/agents.md, "Rainbow and Rainbow Pro"). Acting, storing, the
/// schedule and checkpoints are <see cref="AgentCore"/>'s; this class holds the C51 network, the n-step
/// prioritized sampling and the loss.
/// <para>Per agent step (Dopamine's <c>RainbowAgent.step</c>): act epsilon-greedily on the mean of the online
/// distribution, store the transition (<see cref="PrioritizedSampler.Sync"/> gives a newly complete n-step
/// window the maximum recorded priority), then, once more than <c>MinReplayHistory</c> transitions are
/// stored, update every <c>UpdatePeriod</c> steps and copy online -&gt; target every
/// <c>TargetUpdatePeriod</c> steps or updates (<see cref="AgentCore.Observe"/>).</para>
/// <para>One update: sample B slots by priority; target m = Phi(r^(n) + gamma^m z) of p_target(s_{t+m}, a*),
/// with a* = argmax_a mean p_target(s_{t+m}, a) (or the online network's argmax with <c>DoubleQ</c>);
/// per-sample loss L_b = cross-entropy(m, softmax logits(s_t, a_t)); minimise mean_b(w_b L_b) with the
/// normalised importance weights w; then set each sampled slot's priority to (L_b + 1e-10)^alpha (Dopamine:
/// sqrt).</para>
/// <para>"Full Rainbow" options: <c>DoubleQ</c>; <c>Dueling</c> (dueling head); <c>Noisy</c> (noisy output
/// layers: training epsilon 0, fresh noise from the <c>noise</c> stream before every training action and, for
/// both networks, before every update; evaluation and <see cref="AgentCore.GreedyAction"/> use the noise-free
/// means).</para>
/// <para>Atari (<c>FrameStack</c> &gt; 1): the environment's <c>FrameStack</c> wrapper gives the acting input
/// (the last k frames) and replay is a <see cref="FrameStackReplay"/> that stores one frame per step and
/// rebuilds stacks.</para>
/// </summary>
public sealed class RainbowAgent : AgentCore
{
    readonly RainbowSettings _settings;
    readonly long[] _batchShape;
    readonly NStepBatch _batch;
    readonly float[] _losses;
    readonly Tensor _atoms;              // z_i, [N]
    readonly Generator? _noise;          // noisy layers' noise (Noisy only)

    /// <summary>
    /// Builds the online C51 network (seeded from the <c>network</c> stream) and the common parts
    /// (<see cref="AgentCore"/>), then the prioritized n-step sampler over the replay ring (seeded from the
    /// <c>replay</c> stream) and, with <c>Noisy</c>, the noise stream.
    /// </summary>
    public RainbowAgent(RainbowSettings settings, ObservationSpec observation, int actionCount)
        : base(Common(settings), observation, actionCount, CreateOnline(settings, observation, actionCount))
    {
        _settings = settings;
        Support = new CategoricalSupport(settings.Atoms, settings.VMin, settings.VMax);
        _atoms = Support.ToTensor();
        if (settings.Noisy)
        {
            _noise = new Generator(Seeds.Derive(settings.Common.Seed, Seeds.Noise), CPU);
            Target.train(); // the target's noisy layers sample noise too (eval mode would use the means)
        }
        Sampler = new PrioritizedSampler(Replay, new NStepReturns(settings.NStep, settings.Common.Gamma),
            settings.Priorities, Seeds.Derive(settings.Common.Seed, Seeds.Replay));
        int batchSize = settings.Common.BatchSize;
        _batch = new NStepBatch(batchSize, observation.Size);
        _losses = new float[batchSize];
        _batchShape = [batchSize, observation.Channels, observation.Height, observation.Width];
    }

    static AgentSettings Common(RainbowSettings settings) =>
        (settings ?? throw new ArgumentNullException(nameof(settings))).Common;

    // Dopamine's RainbowNetwork (Atari) initialises with VarianceScaling(1/sqrt 3, fan_in, uniform); the
    // MinAtar and small networks keep their defaults (docs/agents.md, "Rainbow").
    static QNetwork CreateOnline(RainbowSettings settings, ObservationSpec observation, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var common = settings.Common;
        Initialization? initialization = common.Network == NetworkKind.NatureCnn ? Initialization.DopamineVarianceScaling : null;
        return QNetworkFactory.Create(common.Network, observation, actionCount, (long)Seeds.Derive(common.Seed, Seeds.Network),
            settings.Atoms, initialization, dueling: settings.Dueling, noisy: settings.Noisy, noisySigma0: settings.NoisySigma0);
    }

    /// <summary>The atoms z_0..z_{N-1}.</summary>
    public CategoricalSupport Support { get; }
    /// <summary>The n-step prioritized sampler over the replay ring.</summary>
    public PrioritizedSampler Sampler { get; }
    /// <summary>The latest sampled batch (slots, weights, n-step transitions), for inspection.</summary>
    public NStepBatch LastBatch => _batch;
    /// <summary>
    /// The per-sample losses of the latest update (the values sent to the priority update).
    /// </summary>
    public ReadOnlySpan<float> LastLosses => _losses;

    /// <summary>
    /// The training epsilon for the next action (<see cref="EpsilonSchedule.At"/>, as DQN; 0 with noisy
    /// layers).
    /// </summary>
    public override double Epsilon => _noise is not null ? 0.0 : base.Epsilon;

    /// <summary>
    /// <see cref="PrioritizedSampler.Sync"/>: a newly complete n-step window gets the maximum recorded
    /// priority.
    /// </summary>
    protected override void OnStored() => Sampler.Sync();

    /// <summary>Fresh noise for every training action (noisy layers only).</summary>
    protected override void BeforeTrainingAction()
    {
        if (_noise is not null) NoisyLinear.ResetAll(Online, _noise);
    }

    /// <summary>
    /// argmax_a sum_i z_i softmax(logits(s, a))_i of the online network (the first maximum on ties); outside
    /// training actions the noisy layers use their means.
    /// </summary>
    protected override int Greedy(ReadOnlySpan<float> observation, bool training)
    {
        var input = ActingInput.Fill(observation);
        bool means = _noise is not null && !training;
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
    /// An update is skipped while no slot has a complete n-step window (only with a tiny min-replay-history).
    /// </summary>
    protected override bool CanUpdate => Sampler.SampleableCount > 0;

    /// <summary>
    /// One gradient step of Dopamine's Rainbow <c>_build_train_op</c>: the C51 target, the per-sample
    /// cross-entropy, the importance-weighted mean (plus the optional nu penalty), its gradient, the pull
    /// (Rainbow Pro), the optimizer step, then the priority update from the per-sample losses. Returns the
    /// batch mean of the (unweighted) cross-entropy and the mean of Q(s, a) = sum_i z_i p_i(s, a) over the
    /// batch, both before the step.
    /// </summary>
    protected override (float Loss, float MeanQ) Learn()
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
            // IS-weighted (all weights 1 when uniform)
            var objective = (weights * loss).mean();
            if (Settings.Nu > 0) objective = objective + Pull!.PenaltyLoss(Settings.Nu);

            Optimizer.ZeroGrad();
            objective.backward();
            Pull?.Apply();                                                       // w <- (1 - mu) w + mu theta
            Optimizer.Step();

            loss.detach().data<float>().CopyTo(_losses);
            meanLoss = loss.mean().item<float>();
            using (no_grad())
                meanQ = (C51.ChooseAction(logits.detach(), actions).softmax(-1) * _atoms).sum(-1).mean().item<float>();
        }
        // p = (L + 1e-10)^alpha; no-op when uniform
        Sampler.UpdatePriorities(_batch.Slots, _losses);
        return (meanLoss, meanQ);
    }

    // Phi(r^(n) + gamma^m z) of p_target(s', a*): a* by the target's mean (compact Rainbow) or by the online
    // network's (DoubleQ).
    Tensor TargetDistribution(Tensor bootstrap, Tensor returns, Tensor discounts)
    {
        var nextTargetLogits = Target.forward(bootstrap);
        if (!_settings.DoubleQ)
            return C51.TargetDistribution(Support, nextTargetLogits, returns, discounts, _atoms);
        var nextActions = C51.GreedyActions(Online.forward(bootstrap), _atoms);
        var chosen = C51.ChooseAction(nextTargetLogits.softmax(-1), nextActions);
        return CategoricalProjection.Project(Support, chosen, returns, discounts);
    }

    /// <inheritdoc />
    protected override void SaveOwnState(BinaryWriter writer)
    {
        Sampler.Save(writer);
        if (_noise is null) return;
        using var state = _noise.get_state();
        var bytes = state.bytes.ToArray();
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    /// <inheritdoc />
    protected override void LoadOwnState(BinaryReader reader)
    {
        Sampler.Load(reader);
        if (_noise is null) return;
        var bytes = reader.ReadBytes(reader.ReadInt32());
        using var state = tensor(bytes, ScalarType.Byte);
        _noise.set_state(state);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _atoms.Dispose();
            _noise?.Dispose();
        }
        base.Dispose(disposing);
    }
}
