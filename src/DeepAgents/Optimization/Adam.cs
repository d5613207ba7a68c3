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
public sealed class Adam : FlatOptimizer
{
    private readonly Tensor m;
    private readonly Tensor v;
    private readonly Tensor denominator;
    private readonly Tensor oneMinusBeta1;  // 0-dim lerp weight
    private readonly Scalar beta2;
    private readonly Scalar oneMinusBeta2;

    /// <summary>Creates the optimizer; moments start at zero.</summary>
    public Adam(AdamConfig config, FlatParameters parameters) : this(config, parameters, forceTensorOps: false)
    {
    }

    /// <summary>As the public constructor; <paramref name="forceTensorOps"/>
    /// disables the fused CPU path (tests compare both).</summary>
    internal Adam(AdamConfig config, FlatParameters parameters, bool forceTensorOps)
        : base("adam", config, parameters, forceTensorOps)
    {
        Config = config;
        m = Slot(0);
        v = Slot(0);
        denominator = Own(empty_like(parameters.Values));
        oneMinusBeta1 = Own(tensor(1.0 - config.Beta1, parameters.Values.dtype, parameters.Values.device));
        beta2 = Own(config.Beta2.ToScalar());
        oneMinusBeta2 = Own((1.0 - config.Beta2).ToScalar());
    }

    /// <summary>The hyperparameters.</summary>
    public AdamConfig Config { get; }

    /// <summary>First moment m (flat).</summary>
    public Tensor FirstMoment => m;

    /// <summary>Second moment v (flat).</summary>
    public Tensor SecondMoment => v;

    /// <summary>Step t's bias-corrected step size lr sqrt(c2) / c1 and the epsilon of the form.</summary>
    private (double StepSize, double Epsilon) Scaled(long t)
    {
        var c1 = 1.0 - Math.Pow(Config.Beta1, t);
        var c2 = 1.0 - Math.Pow(Config.Beta2, t);
        var epsilon = Config.Form == OptimizerForm.TensorFlow ? Config.Epsilon : Config.Epsilon * Math.Sqrt(c2);
        return (Config.LearningRate * Math.Sqrt(c2) / c1, epsilon);
    }

    private protected override void FusedStep(long t, ReadOnlySpan<float> pullTarget, float mu)
    {
        var (stepSize, epsilon) = Scaled(t);
        FusedKernels.Adam(TensorSpans.Span(Parameters.Values), TensorSpans.Span(Parameters.Gradients),
            TensorSpans.Span(m), TensorSpans.Span(v),
            (float)Config.Beta1, (float)Config.Beta2, (float)stepSize, (float)epsilon, pullTarget, mu);
    }

    private protected override void TensorStep(long t)
    {
        var (stepSize, epsilon) = Scaled(t);
        var g = Parameters.Gradients;
        using var eps = epsilon.ToScalar();
        using var negStep = (-stepSize).ToScalar();
        m.lerp_(g, oneMinusBeta1);
        v.mul_(beta2).addcmul_(g, g, oneMinusBeta2);
        denominator.copy_(v).sqrt_().add_(eps);
        Parameters.Values.addcdiv_(m, denominator, negStep);
    }
}
