using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Networks;
using Research.DeepAgents.Networks.Backprop;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Replay;
using Research.Random;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.DeepAgents.Agents;

/// <summary>
/// What one training step did: an update (with its loss and mean Q) and/or a target refresh (with d_k).
/// </summary>
/// <param name="Updated">A gradient update ran.</param>
/// <param name="Loss">Its mean Huber loss (NaN when no update ran).</param>
/// <param name="MeanQ">Mean of Q(s, a) over its batch (NaN when no update ran).</param>
/// <param name="Synced">The target network was refreshed.</param>
/// <param name="TargetChange">||theta_k - theta_{k-1}|| globally and per parameter tensor (null when not
/// synced).</param>
public sealed record StepOutcome(bool Updated, float Loss, float MeanQ, bool Synced, NormDifference? TargetChange)
{
    /// <summary>Nothing happened (warm-up or between updates).</summary>
    public static StepOutcome None { get; } = new(false, float.NaN, float.NaN, false, null);
}

/// <summary>
/// DQN (Mnih et al. 2015) as Dopamine and MinAtar run it, and DQN Pro (Asadi et al. 2022) with a finite c~:
/// the same agent plus the proximal pull w &lt;- (1 - mu) w + mu theta, mu = alpha / c~
/// (docs/proximal-updates.md, "The update"). Acting, storing, the schedule and checkpoints are
/// <see cref="AgentCore"/>'s; this class holds the Q-network's update: <see cref="ProximalUpdate"/> is
/// Algorithm 1, top to bottom, and <see cref="FusedDqnUpdate"/> its accelerator (<see cref="Kernel"/>
/// chooses).
/// <para>Atari (<c>FrameStack</c> &gt; 1): replay is a <see cref="FrameStackReplay"/> that stores one frame
/// per step and rebuilds s and s' as k-frame stacks (as Rainbow).</para>
/// </summary>
public sealed class DqnAgent : AgentCore
{
    readonly DqnSettings _settings;
    readonly long[] _batchShape;
    readonly ReplayBatch _batch;
    readonly Xoshiro256? _frameSampling; // FrameStackReplay's sampling stream (a ReplayBuffer owns its own)
    // the accelerator (UpdateKernel.Fused), or null for the autograd reference
    readonly FusedDqnUpdate? _fused;
    readonly IOptimizer? _pullThenStep;  // the accelerator's steps 4-5: pull folded into the optimizer's pass

    /// <summary>
    /// Builds the online network (seeded from the run seed's <c>network</c> stream) and the common parts
    /// (<see cref="AgentCore"/>), then the minibatch and the gradient path <see cref="Kernel"/>.
    /// </summary>
    public DqnAgent(DqnSettings settings, ObservationSpec observation, int actionCount)
        : base(Common(settings), observation, actionCount, CreateOnline(settings, observation, actionCount))
    {
        _settings = settings;
        if (Replay is FrameStackReplay) _frameSampling = new Xoshiro256(Seeds.Derive(settings.Common.Seed, Seeds.Replay));
        int batchSize = settings.Common.BatchSize;
        _batch = new ReplayBatch(batchSize, observation.Size);
        _batchShape = [batchSize, observation.Channels, observation.Height, observation.Width];
        Kernel = ResolveKernel(settings.UpdateKernel, Online.Spec);
        if (Kernel != UpdateKernel.Fused) return;
        _fused = new FusedDqnUpdate(Online, Target, batchSize);
        _pullThenStep = Pull is { IsIdentity: false } pull ? new ProximalOptimizer(Optimizer, pull) : Optimizer;
    }

    static AgentSettings Common(DqnSettings settings) =>
        (settings ?? throw new ArgumentNullException(nameof(settings))).Common;

    static QNetwork CreateOnline(DqnSettings settings, ObservationSpec observation, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(observation);
        return QNetworkFactory.Create(settings.Common.Network, observation, actionCount, (long)Seeds.Derive(settings.Common.Seed, Seeds.Network));
    }

    /// <summary>
    /// The gradient path <paramref name="requested"/> resolves to for <paramref name="spec"/>: <c>Auto</c> is
    /// <c>Fused</c> where <see cref="LayerPlan.Unsupported"/> allows it, else <c>Autograd</c>.
    /// </summary>
    /// <exception cref="ConfigException"><c>Fused</c> was requested for a network the kernels do not
    /// cover.</exception>
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

    /// <summary>
    /// The gradient path this agent uses (<see cref="DqnSettings.UpdateKernel"/>, resolved).
    /// </summary>
    public UpdateKernel Kernel { get; }

    /// <summary>argmax_a Q_online(s, a) (the first maximum on ties).</summary>
    protected override int Greedy(ReadOnlySpan<float> observation, bool training)
    {
        if (_fused is not null) return _fused.GreedyAction(observation);
        var input = ActingInput.Fill(observation); // in place, no copy of the tensor
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return (int)Online.forward(input).argmax(1).item<long>();
    }

    /// <summary>
    /// Samples a uniform minibatch and runs one update on it: <see cref="ProximalUpdate"/>, or its
    /// accelerator <see cref="FusedDqnUpdate.Update"/> when <see cref="Kernel"/> is <c>Fused</c>.
    /// </summary>
    protected override (float Loss, float MeanQ) Learn()
    {
        // s and s' rebuilt from single frames
        if (Replay is FrameStackReplay frames) frames.Sample(_batch, _frameSampling!);
        else ((ReplayBuffer)Replay).Sample(_batch);
        return _fused is null
            ? ProximalUpdate(_batch)
            : _fused.Update(_batch, Settings.Gamma, _settings.HuberDelta, Settings.Nu, _pullThenStep!);
    }

    /// <summary>
    /// One stochastic step of Algorithm 1 (Asadi et al. 2022; docs/proximal-updates.md, "The update") on
    /// <paramref name="batch"/>, by autograd, in the paper's order; plain DQN is the same without step 4.
    /// Returns the loss and the batch mean of Q_w(s, a). <see cref="FusedDqnUpdate.Update"/> computes the
    /// same steps with hand-derived gradients (tested to agree).
    /// </summary>
    public (float Loss, float MeanQ) ProximalUpdate(ReplayBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var states = tensor(batch.Observations, _batchShape);
        var nextStates = tensor(batch.NextObservations, _batchShape);
        var actions = tensor(batch.Actions);
        var rewards = tensor(batch.Rewards);
        var terminals = tensor(batch.Terminals);

        // 1. TD target from the frozen theta: y = r + gamma (1 - terminal) max_a' Q_theta(s', a').
        Tensor y;
        using (no_grad())
            y = TdTargets.Dqn(rewards, terminals, Target.forward(nextStates), Settings.Gamma);
        // 2. Loss h(theta, w) = mean_b Huber(Q_w(s_b, a_b) - y_b), plus the optional 0.5 nu ||w - theta||^2.
        var q = Online.forward(states).gather(1, actions.unsqueeze(1)).squeeze(1);
        var loss = Losses.HuberMean(q, y, _settings.HuberDelta);
        if (Settings.Nu > 0) loss = loss + Pull!.PenaltyLoss(Settings.Nu);
        // 3. Its gradient at the current, un-pulled w.
        Optimizer.ZeroGrad();
        loss.backward();
        // 4. The proximal pull w <- (1 - mu) w + mu theta, mu = alpha / c~ (DQN Pro only).
        Pull?.Apply();
        // 5. The optimizer's step with the gradient of step 3.
        Optimizer.Step();
        return (loss.item<float>(), q.mean().item<float>());
    }

    /// <inheritdoc />
    protected override void SaveOwnState(BinaryWriter writer) => _frameSampling?.Save(writer);

    /// <inheritdoc />
    protected override void LoadOwnState(BinaryReader reader) => _frameSampling?.Load(reader);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _fused?.Dispose();
        base.Dispose(disposing);
    }
}
