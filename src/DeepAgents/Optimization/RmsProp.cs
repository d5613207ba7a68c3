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
public sealed class RmsProp : IPullFusingOptimizer, IDisposable
{
    private const string Kind = "rmsprop";
    private readonly FlatParameters parameters;
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
    private readonly bool fused;

    /// <summary>Creates the optimizer with TF1 (ms = 1) or PyTorch (ms = 0) initial slots.</summary>
    public RmsProp(RmsPropConfig config, FlatParameters parameters) : this(config, parameters, forceTensorOps: false)
    {
    }

    /// <summary>As the public constructor; <paramref name="forceTensorOps"/>
    /// disables the fused CPU path (tests compare both).</summary>
    internal RmsProp(RmsPropConfig config, FlatParameters parameters, bool forceTensorOps)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        config.Validate();
        Config = config;
        this.parameters = parameters;
        var values = parameters.Values;
        meanSquare = config.Form == OptimizerForm.TensorFlow ? ones_like(values) : zeros_like(values);
        meanGradient = config.Centered ? zeros_like(values) : null;
        momentumBuffer = config.Momentum > 0 ? zeros_like(values) : null;
        denominator = empty_like(values);
        oneMinusDecayTensor = tensor(1.0 - config.Decay, values.dtype, values.device);
        decay = config.Decay.ToScalar();
        oneMinusDecay = (1.0 - config.Decay).ToScalar();
        epsilon = config.Epsilon.ToScalar();
        minusOne = (-1.0).ToScalar();
        momentum = config.Momentum.ToScalar();
        learningRate = config.LearningRate.ToScalar();
        minusLearningRate = (-config.LearningRate).ToScalar();
        fused = !forceTensorOps && TensorSpans.Applies(values) && TensorSpans.Applies(parameters.Gradients);
    }

    /// <summary>The hyperparameters.</summary>
    public RmsPropConfig Config { get; }

    /// <inheritdoc />
    public double LearningRate => Config.LearningRate;

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <summary>The mean-square slot ms (flat).</summary>
    public Tensor MeanSquare => meanSquare;

    /// <summary>The mean-gradient slot mg (flat), null unless centred.</summary>
    public Tensor? MeanGradient => meanGradient;

    /// <inheritdoc />
    public bool CanFusePull => fused;

    Tensor IPullFusingOptimizer.ParameterValues => parameters.Values;

    void IPullFusingOptimizer.StepWithPull(ReadOnlySpan<float> theta, float mu) => Step(theta, mu);

    /// <inheritdoc />
    public void Step() => Step(default, 0f);

    private void Step(ReadOnlySpan<float> pullTarget, float mu)
    {
        if (!pullTarget.IsEmpty && !fused) throw new InvalidOperationException("the pull can only be fused into the CPU kernel.");
        parameters.EnsureGradientsBound();
        var g = parameters.Gradients;
        var w = parameters.Values;
        if (fused)
        {
            FusedKernels.RmsProp(TensorSpans.Span(w), TensorSpans.Span(g), TensorSpans.Span(meanSquare),
                meanGradient is null ? default : TensorSpans.Span(meanGradient),
                momentumBuffer is null ? default : TensorSpans.Span(momentumBuffer),
                (float)Config.Decay, (float)Config.Momentum, (float)Config.LearningRate, (float)Config.Epsilon,
                Config.Form == OptimizerForm.TensorFlow, pullTarget, mu);
            StepCount++;
            return;
        }
        using (no_grad())
        {
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
        StepCount++;
    }

    /// <inheritdoc />
    public void ZeroGrad() => parameters.ZeroGrad();

    private Tensor[] State()
    {
        var state = new List<Tensor> { meanSquare };
        if (meanGradient is not null) state.Add(meanGradient);
        if (momentumBuffer is not null) state.Add(momentumBuffer);
        return [.. state];
    }

    /// <inheritdoc />
    public void Save(BinaryWriter writer) => OptimizerState.Write(writer, Kind, StepCount, State());

    /// <inheritdoc />
    public void Load(BinaryReader reader) => StepCount = OptimizerState.Read(reader, Kind, State());

    /// <inheritdoc />
    public void Dispose()
    {
        meanSquare.Dispose();
        meanGradient?.Dispose();
        momentumBuffer?.Dispose();
        denominator.Dispose();
        oneMinusDecayTensor.Dispose();
        foreach (var s in new[] { decay, oneMinusDecay, epsilon, minusOne, momentum, learningRate, minusLearningRate }) s.Dispose();
    }
}
