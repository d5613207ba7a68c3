using TorchSharp;
using static TorchSharp.torch;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Parameters;

namespace Research.DeepAgents.Optimization;

/// <summary>
/// RMSProp (centred by default) on a <see cref="FlatParameters"/> buffer. With g the gradient and
/// rho the decay:
/// ms = rho ms + (1 - rho) g^2;  mg = rho mg + (1 - rho) g (centred only);  d = ms - mg^2 (centred) or ms.
/// TensorFlow 1 form (ApplyCenteredRMSProp, Dopamine's DQN): ms starts at 1;
///     mom = momentum mom + lr g / sqrt(d + eps);  w -= mom.
/// PyTorch form (torch.optim.RMSprop, the MinAtar reference DQN): ms starts at 0;
///     buf = momentum buf + g / (sqrt(d) + eps);  w -= lr buf
///     (without momentum: w -= lr g / (sqrt(d) + eps)).
/// On the CPU the step is one fused SIMD pass over the flat buffers (<see cref="FusedKernels"/>).
/// </summary>
public sealed class RmsProp : FlatOptimizer
{
    private readonly Tensor meanSquare;
    private readonly Tensor? meanGradient;
    private readonly Tensor? momentumBuffer;
    private readonly Tensor denominator;
    private readonly Tensor oneMinusDecayTensor;  // 0-dim lerp weight
    private readonly Scalar decay;
    private readonly Scalar oneMinusDecay;
    private readonly Scalar epsilon;
    private readonly Scalar minusOne;
    private readonly Scalar momentum;
    private readonly Scalar learningRate;
    private readonly Scalar minusLearningRate;

    /// <summary>Creates the optimizer with TF1 (ms = 1) or PyTorch (ms = 0) initial slots.</summary>
    public RmsProp(RmsPropConfig config, FlatParameters parameters) : this(config, parameters, forceTensorOps: false)
    {
    }

    /// <summary>As the public constructor; <paramref name="forceTensorOps"/>
    /// disables the fused CPU path (tests compare both).</summary>
    internal RmsProp(RmsPropConfig config, FlatParameters parameters, bool forceTensorOps)
        : base("rmsprop", config, parameters, forceTensorOps)
    {
        Config = config;
        var values = parameters.Values;
        // Saved in this order: ms, then mg (centred only), then the momentum buffer (momentum > 0 only).
        meanSquare = Slot(config.Form == OptimizerForm.TensorFlow ? 1 : 0);
        meanGradient = config.Centered ? Slot(0) : null;
        momentumBuffer = config.Momentum > 0 ? Slot(0) : null;
        denominator = Own(empty_like(values));
        oneMinusDecayTensor = Own(tensor(1.0 - config.Decay, values.dtype, values.device));
        decay = Own(config.Decay.ToScalar());
        oneMinusDecay = Own((1.0 - config.Decay).ToScalar());
        epsilon = Own(config.Epsilon.ToScalar());
        minusOne = Own((-1.0).ToScalar());
        momentum = Own(config.Momentum.ToScalar());
        learningRate = Own(config.LearningRate.ToScalar());
        minusLearningRate = Own((-config.LearningRate).ToScalar());
    }

    /// <summary>The hyperparameters.</summary>
    public RmsPropConfig Config { get; }

    /// <summary>The mean-square slot ms (flat).</summary>
    public Tensor MeanSquare => meanSquare;

    /// <summary>The mean-gradient slot mg (flat), null unless centred.</summary>
    public Tensor? MeanGradient => meanGradient;

    private protected override void FusedStep(long t, ReadOnlySpan<float> pullTarget, float mu) =>
        FusedKernels.RmsProp(TensorSpans.Span(Parameters.Values), TensorSpans.Span(Parameters.Gradients),
            TensorSpans.Span(meanSquare),
            meanGradient is null ? default : TensorSpans.Span(meanGradient),
            momentumBuffer is null ? default : TensorSpans.Span(momentumBuffer),
            (float)Config.Decay, (float)Config.Momentum, (float)Config.LearningRate, (float)Config.Epsilon,
            Config.Form == OptimizerForm.TensorFlow, pullTarget, mu);

    private protected override void TensorStep(long t)
    {
        var g = Parameters.Gradients;
        var w = Parameters.Values;
        meanSquare.mul_(decay).addcmul_(g, g, oneMinusDecay);
        denominator.copy_(meanSquare);
        if (meanGradient is not null)
        {
            meanGradient.lerp_(g, oneMinusDecayTensor);
            denominator.addcmul_(meanGradient, meanGradient, minusOne);
        }
        if (Config.Form == OptimizerForm.TensorFlow)
        {
            denominator.add_(epsilon).sqrt_();
            if (momentumBuffer is null) w.addcdiv_(g, denominator, minusLearningRate);
            else
            {
                momentumBuffer.mul_(momentum).addcdiv_(g, denominator, learningRate);
                w.sub_(momentumBuffer);
            }
        }
        else
        {
            denominator.sqrt_().add_(epsilon);
            if (momentumBuffer is null) w.addcdiv_(g, denominator, minusLearningRate);
            else
            {
                momentumBuffer.mul_(momentum).addcdiv_(g, denominator);
                w.add_(momentumBuffer, minusLearningRate);
            }
        }
    }
}
