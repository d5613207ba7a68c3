using TorchSharp;
using static TorchSharp.torch;
using Research.DeepAgents.Configuration;
using Research.DeepAgents.Parameters;

namespace Research.DeepAgents.Optimization;

/// <summary>
/// Adam on a <see cref="FlatParameters"/> buffer: every step is a handful of fused operations over
/// all parameters at once. With g the gradient and t the step (from 1):
/// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  c1 = 1 - b1^t, c2 = 1 - b2^t.
/// TensorFlow form: w -= lr sqrt(c2) / c1 * m / (sqrt(v) + eps).
/// PyTorch form:    w -= lr / c1 * m / (sqrt(v / c2) + eps), computed as
///                  lr sqrt(c2) / c1 * m / (sqrt(v) + eps sqrt(c2)) (the same number up to rounding).
/// On the CPU the step is one fused SIMD pass over the flat buffers (<see cref="FusedKernels"/>);
/// elsewhere it is four tensor operations plus a square root.
/// </summary>
public sealed class Adam : IPullFusingOptimizer, IDisposable
{
    private const string Kind = "adam";
    private readonly FlatParameters parameters;
    private readonly Tensor m;
    private readonly Tensor v;
    private readonly Tensor denominator;
    private readonly Tensor oneMinusBeta1;  // 0-dim lerp weight
    private readonly Scalar beta2;
    private readonly Scalar oneMinusBeta2;
    private readonly bool fused;

    /// <summary>Creates the optimizer; moments start at zero.</summary>
    public Adam(AdamConfig config, FlatParameters parameters) : this(config, parameters, forceTensorOps: false)
    {
    }

    /// <summary>As the public constructor; <paramref name="forceTensorOps"/>
    /// disables the fused CPU path (tests compare both).</summary>
    internal Adam(AdamConfig config, FlatParameters parameters, bool forceTensorOps)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        config.Validate();
        Config = config;
        this.parameters = parameters;
        m = zeros_like(parameters.Values);
        v = zeros_like(parameters.Values);
        denominator = empty_like(parameters.Values);
        oneMinusBeta1 = tensor(1.0 - config.Beta1, parameters.Values.dtype, parameters.Values.device);
        beta2 = config.Beta2.ToScalar();
        oneMinusBeta2 = (1.0 - config.Beta2).ToScalar();
        fused = !forceTensorOps && TensorSpans.Applies(parameters.Values) && TensorSpans.Applies(parameters.Gradients);
    }

    /// <summary>The hyperparameters.</summary>
    public AdamConfig Config { get; }

    /// <inheritdoc />
    public double LearningRate => Config.LearningRate;

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <summary>First moment m (flat).</summary>
    public Tensor FirstMoment => m;

    /// <summary>Second moment v (flat).</summary>
    public Tensor SecondMoment => v;

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
        var t = StepCount + 1;
        var c1 = 1.0 - Math.Pow(Config.Beta1, t);
        var c2 = 1.0 - Math.Pow(Config.Beta2, t);
        var stepSize = Config.LearningRate * Math.Sqrt(c2) / c1;
        var epsilon = Config.Form == OptimizerForm.TensorFlow ? Config.Epsilon : Config.Epsilon * Math.Sqrt(c2);
        if (fused)
        {
            FusedKernels.Adam(TensorSpans.Span(parameters.Values), TensorSpans.Span(g), TensorSpans.Span(m), TensorSpans.Span(v),
                (float)Config.Beta1, (float)Config.Beta2, (float)stepSize, (float)epsilon, pullTarget, mu);
            StepCount = t;
            return;
        }
        using (no_grad())
        using (var eps = epsilon.ToScalar())
        using (var negStep = (-stepSize).ToScalar())
        {
            m.lerp_(g, oneMinusBeta1);
            v.mul_(beta2).addcmul_(g, g, oneMinusBeta2);
            denominator.copy_(v).sqrt_().add_(eps);
            parameters.Values.addcdiv_(m, denominator, negStep);
        }
        StepCount = t;
    }

    /// <inheritdoc />
    public void ZeroGrad() => parameters.ZeroGrad();

    /// <inheritdoc />
    public void Save(BinaryWriter writer) => OptimizerState.Write(writer, Kind, StepCount, [m, v]);

    /// <inheritdoc />
    public void Load(BinaryReader reader) => StepCount = OptimizerState.Read(reader, Kind, [m, v]);

    /// <inheritdoc />
    public void Dispose()
    {
        m.Dispose();
        v.Dispose();
        denominator.Dispose();
        oneMinusBeta1.Dispose();
        beta2.Dispose();
        oneMinusBeta2.Dispose();
    }
}
