using Research.DeepAgents.Networks;
using Research.DeepAgents.Networks.Backprop;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Parameters;
using Research.DeepAgents.Replay;

namespace Research.DeepAgents.Agents;

/// <summary>
/// The accelerator of <see cref="DqnAgent.ProximalUpdate"/> (<c>update-kernel = fused</c>): the same steps of
/// Algorithm 1 with the loss gradient from hand-derived kernels (<see cref="FeedForward"/>) instead of
/// autograd, for the networks a <see cref="LayerPlan"/> covers, equal to float rounding (docs/agents.md,
/// "Update kernels"): <c>y = r + gamma (1 - terminal) max_a' Q_theta(s', a')</c>, <c>L = mean_b
/// Huber(Q_w(s_b, a_b) - y_b)</c>, <c>dL/dQ_w(s_b, a_b) = clip(Q_w(s_b, a_b) - y_b, -delta, delta) / B</c>
/// (zero for the other actions), then the backward pass into the flat gradients; with the nu variant also
/// <c>0.5 nu ||w - theta||^2</c> and its gradient <c>nu (w - theta)</c>; then pull and step in one pass
/// (<see cref="ProximalOptimizer"/>). Also the batch-1 greedy forward for acting.
/// </summary>
public sealed class FusedDqnUpdate : IDisposable
{
    readonly FeedForward _online;
    readonly FeedForward _target;
    readonly FeedForward _acting;
    readonly QNetwork _onlineNetwork;
    readonly QNetwork _targetNetwork;
    readonly float[] _qGradient;

    /// <summary>
    /// Binds the kernels to <paramref name="online"/> and <paramref name="target"/> for minibatches of
    /// <paramref name="batchSize"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The networks are not covered by <see cref="LayerPlan"/>
    /// (<see cref="LayerPlan.Unsupported"/> says why).</exception>
    public FusedDqnUpdate(QNetwork online, QNetwork target, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(online);
        ArgumentNullException.ThrowIfNull(target);
        if (online.Spec != target.Spec) throw new ArgumentException("online and target networks must share one spec.", nameof(target));
        var plan = LayerPlan.For(online) ?? throw new ArgumentException($"the hand-derived update does not support {LayerPlan.Unsupported(online.Spec)}.", nameof(online));
        _onlineNetwork = online;
        _targetNetwork = target;
        _online = new FeedForward(plan, online.Flat, batchSize);
        _target = new FeedForward(plan, target.Flat, batchSize);
        _acting = new FeedForward(plan, online.Flat, 1);
        _qGradient = new float[batchSize * plan.Actions];
    }

    /// <summary>
    /// Steps 1-5 of <see cref="DqnAgent.ProximalUpdate"/> on <paramref name="batch"/>: TD target, loss and
    /// its gradient (<see cref="LossAndGradient"/>), then <paramref name="pullThenStep"/>: the optimizer, or
    /// for DQN Pro the <see cref="ProximalOptimizer"/> that pulls w toward theta and steps in the same pass.
    /// Returns the loss and the batch mean of Q_w(s, a).
    /// </summary>
    public (float Loss, float MeanQ) Update(ReplayBatch batch, double gamma, double huberDelta, double nu, IOptimizer pullThenStep)
    {
        ArgumentNullException.ThrowIfNull(pullThenStep);
        var result = LossAndGradient(batch, gamma, huberDelta, nu); // steps 1-3, gradient at the un-pulled w
        pullThenStep.Step();                                        // steps 4-5
        return result;
    }

    /// <summary>
    /// Computes the loss of <paramref name="batch"/> and writes its gradient into the online network's flat
    /// gradient buffer (overwriting it: no zeroing needed). Returns the loss (Huber mean, plus the nu penalty
    /// when <paramref name="nu"/> &gt; 0) and the mean of Q_w(s, a) over the batch.
    /// </summary>
    public (float Loss, float MeanQ) LossAndGradient(ReplayBatch batch, double gamma, double huberDelta, double nu)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var nextQ = _target.Forward(batch.NextObservations);
        var q = _online.Forward(batch.Observations);
        int b = _online.Batch, actions = _online.Actions;
        float g = (float)gamma, delta = (float)huberDelta, invB = 1f / b;
        double loss = 0, sumQ = 0;
        Array.Clear(_qGradient);
        for (int i = 0; i < b; i++)
        {
            var y = batch.Rewards[i] + (1f - batch.Terminals[i]) * g * Max(nextQ.Slice(i * actions, actions));
            int a = (int)batch.Actions[i];
            var qa = q[i * actions + a];
            var error = qa - y;
            var magnitude = MathF.Abs(error);
            loss += magnitude <= delta ? 0.5 * error * error : delta * (magnitude - 0.5 * delta);
            _qGradient[i * actions + a] = Math.Clamp(error, -delta, delta) * invB;
            sumQ += qa;
        }
        _online.Backward(batch.Observations, _qGradient);
        loss /= b;
        if (nu > 0) loss += ProximalPenalty(nu);
        return ((float)loss, (float)(sumQ / b));
    }

    /// <summary>
    /// argmax_a Q_w(s, a) of one observation (the first maximum on ties, as <c>argmax</c>).
    /// </summary>
    public int GreedyAction(ReadOnlySpan<float> observation)
    {
        var q = _acting.Forward(observation);
        int best = 0;
        for (int a = 1; a < q.Length; a++)
            if (q[a] > q[best]) best = a;
        return best;
    }

    /// <summary>
    /// Adds nu (w - theta) to the gradient; returns 0.5 nu ||w - theta||^2 (the released code's optional loss
    /// term).
    /// </summary>
    double ProximalPenalty(double nu)
    {
        var w = TensorSpans.Span(_onlineNetwork.Flat.Values);
        var theta = TensorSpans.Span(_targetNetwork.Flat.Values);
        var grad = TensorSpans.Span(_onlineNetwork.Flat.Gradients);
        float n = (float)nu;
        double sum = 0;
        for (int i = 0; i < w.Length; i++)
        {
            var d = w[i] - theta[i];
            grad[i] += n * d;
            sum += (double)d * d;
        }
        return 0.5 * nu * sum;
    }

    static float Max(ReadOnlySpan<float> values)
    {
        var m = values[0];
        for (int i = 1; i < values.Length; i++) m = MathF.Max(m, values[i]);
        return m;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _online.Dispose();
        _target.Dispose();
        _acting.Dispose();
    }
}
