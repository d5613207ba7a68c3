using System.Numerics;
using System.Runtime.CompilerServices;
using Research.DeepAgents.Networks;
using Research.DeepAgents.Parameters;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.DeepAgents.Optimization;

/// <summary>
/// The proximal pull of DQN Pro / Rainbow Pro (docs/proximal-updates.md, "The update"): every
/// online parameter tensor, weights and biases of every layer, moves toward its target twin,
/// <c>w &lt;- (1 - mu) w + mu theta</c>, with one global <c>mu = alpha / c~</c> (alpha = the optimizer's
/// base learning rate). Together with the ordinary optimizer step this is one stochastic step of
/// Algorithm 1: <c>w &lt;- (1 - alpha/c~) w + (alpha/c~) theta - alpha grad h(theta, w)</c>.
/// <para>Order inside an update: <c>loss.backward()</c>, then <see cref="Apply"/>, then
/// <c>optimizer.Step()</c> (<c>DqnAgent.ProximalUpdate</c>). The gradient is computed at the un-pulled w and
/// the pull never passes through the optimizer's moments. <see cref="ProximalOptimizer"/> runs pull and step
/// in one pass (the fused kernel's accelerator). This file is the formula's one home:
/// <see cref="Pulled(float, float, float)"/>.</para>
/// <para>c~ = +infinity gives mu = 0 exactly and <see cref="Apply"/> does nothing at all, so a
/// Pro agent with c~ = infinity is bit-identical to the plain agent.</para>
/// <para>Start with w = theta (Algorithm 1): build the target with
/// <see cref="QNetworkFactory.CreateTarget(QNetwork)"/> or call <see cref="TargetNetwork.HardCopy"/>. The
/// released code skipped that copy (its first target period pulls toward a random network): reproducing it is
/// the caller's explicit choice (<see cref="QNetworkFactory.CreateIndependentTarget"/>).</para>
/// </summary>
public sealed class ProximalPull : IDisposable
{
    private readonly Tensor[] online;
    private readonly Tensor[] target;
    private readonly Tensor? flatOnline;
    private readonly Tensor? flatTarget;
    private readonly Tensor? muTensor;  // 0-dim lerp weight

    /// <summary>
    /// Pairs the parameters of <paramref name="onlineNetwork"/> and <paramref name="targetNetwork"/>
    /// by name (same names, same shapes required) and fixes mu = learningRate / cTilde.
    /// </summary>
    /// <param name="onlineNetwork">The network being trained (w).</param>
    /// <param name="targetNetwork">The frozen target (theta); never modified here.</param>
    /// <param name="cTilde">c~ &gt; 0; <see cref="double.PositiveInfinity"/> = no pull (plain DQN).</param>
    /// <param name="learningRate">The optimizer's base learning rate alpha &gt; 0.</param>
    /// <exception cref="ArgumentException">mu is not in (0, 1] (and c~ is not +infinity), or the networks do
    /// not match.</exception>
    public ProximalPull(nn.Module onlineNetwork, nn.Module targetNetwork, double cTilde, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(onlineNetwork);
        ArgumentNullException.ThrowIfNull(targetNetwork);
        Mu = ComputeMu(cTilde, learningRate);
        CTilde = cTilde;
        LearningRate = learningRate;

        var on = onlineNetwork.named_parameters().ToArray();
        var tg = targetNetwork.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        if (on.Length != tg.Count)
            throw new ArgumentException($"online network has {on.Length} parameter tensors, target has {tg.Count}; they must match.", nameof(targetNetwork));
        online = new Tensor[on.Length];
        target = new Tensor[on.Length];
        for (var i = 0; i < on.Length; i++)
        {
            var (name, w) = on[i];
            if (!tg.TryGetValue(name, out var theta))
                throw new ArgumentException($"target network has no parameter named {name}.", nameof(targetNetwork));
            if (!w.shape.SequenceEqual(theta.shape))
                throw new ArgumentException(
                    $"parameter {name} has shape [{string.Join(", ", w.shape)}] online and [{string.Join(", ", theta.shape)}] in the target.", nameof(targetNetwork));
            online[i] = w;
            target[i] = theta;
        }
        // Two networks built from the same spec have identical flat layouts: one lerp covers all tensors.
        if (onlineNetwork is QNetwork qo && targetNetwork is QNetwork qt && qo.Spec == qt.Spec)
        {
            flatOnline = qo.Flat.Values;
            flatTarget = qt.Flat.Values;
        }
        if (Mu > 0) muTensor = tensor(Mu, online[0].dtype, online[0].device);
    }

    /// <summary>
    /// The target's flat parameter buffer when both networks are flat <see cref="QNetwork"/>s of one spec,
    /// else null.
    /// </summary>
    internal Tensor? FlatTarget => flatTarget;

    /// <summary>
    /// The online network's flat parameter buffer (same condition as <see cref="FlatTarget"/>).
    /// </summary>
    internal Tensor? FlatOnline => flatOnline;

    /// <summary>mu = alpha / c~ (0 when c~ = +infinity).</summary>
    public double Mu { get; }

    /// <summary>c~ as given.</summary>
    public double CTilde { get; }

    /// <summary>alpha as given.</summary>
    public double LearningRate { get; }

    /// <summary>True when c~ = +infinity: <see cref="Apply"/> is a no-op.</summary>
    public bool IsIdentity => Mu == 0;

    /// <summary>
    /// mu = learningRate / cTilde, validated: 0 &lt; mu &lt;= 1, or cTilde = +infinity (mu = 0).
    /// </summary>
    /// <exception cref="ArgumentException">Names cTilde, its value, the learning rate and the allowed
    /// range.</exception>
    public static double ComputeMu(double cTilde, double learningRate)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
            throw new ArgumentException($"learningRate = {learningRate} must be a finite number > 0.", nameof(learningRate));
        if (double.IsPositiveInfinity(cTilde)) return 0.0;
        var mu = learningRate / cTilde;
        if (double.IsNaN(cTilde) || !(cTilde > 0) || !(mu > 0 && mu <= 1))
            throw new ArgumentException(
                $"cTilde = {cTilde} with learning rate {learningRate} gives mu = learningRate / cTilde = {mu}; " +
                $"the pull needs 0 < mu <= 1, i.e. cTilde >= {learningRate} (the learning rate), or cTilde = +infinity for no pull.",
                nameof(cTilde));
        return mu;
    }

    /// <summary>
    /// One element of the pull, w + mu (theta - w) = (1 - mu) w + mu theta: the form every kernel uses.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Pulled(float w, float theta, float mu) => w + mu * (theta - w);

    /// <summary>
    /// <see cref="Pulled(float, float, float)"/> on <see cref="Vector{T}.Count"/> elements at once (the same
    /// bits per lane).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<float> Pulled(Vector<float> w, Vector<float> theta, Vector<float> mu) => w + mu * (theta - w);

    /// <summary>
    /// w &lt;- (1 - mu) w + mu theta for every parameter tensor, in place, without autograd.
    /// The target is not modified. Does nothing when mu = 0.
    /// </summary>
    public void Apply()
    {
        if (muTensor is null) return;
        using (no_grad())
        {
            if (flatOnline is not null && TensorSpans.Applies(flatOnline) && TensorSpans.Applies(flatTarget!))
            {
                FusedKernels.Pull(TensorSpans.Span(flatOnline), TensorSpans.Span(flatTarget!), (float)Mu);
                return;
            }
            if (flatOnline is not null)
            {
                flatOnline.lerp_(flatTarget!, muTensor);  // lerp_ is w + mu (theta - w), as Pulled
                return;
            }
            for (var i = 0; i < online.Length; i++) online[i].lerp_(target[i], muTensor);
        }
    }

    /// <summary>
    /// The optional loss-term variant (in the released code, unused in the paper):
    /// <c>nu * sum over parameters 0.5 ||w - theta||^2</c> as a scalar tensor with gradient
    /// nu (w - theta) with respect to w. Add it to the TD loss; it then passes through the optimizer.
    /// </summary>
    /// <param name="nu">The penalty weight, finite and &gt;= 0.</param>
    public Tensor PenaltyLoss(double nu)
    {
        if (!(nu >= 0) || double.IsInfinity(nu))
            throw new ArgumentException($"nu = {nu} must be a finite number >= 0.", nameof(nu));
        using var scope = NewDisposeScope();
        var sum = zeros(1, online[0].dtype, online[0].device).squeeze();
        for (var i = 0; i < online.Length; i++)
        {
            var d = online[i] - target[i].detach();
            sum = sum + d.square().sum();
        }
        return scope.MoveToOuter(sum.mul(0.5 * nu));
    }

    /// <inheritdoc />
    public void Dispose() => muTensor?.Dispose();
}
