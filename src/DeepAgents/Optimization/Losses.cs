using static TorchSharp.torch;

namespace Research.DeepAgents.Optimization;

/// <summary>Loss functions on TD errors.</summary>
public static class Losses
{
    /// <summary>
    /// Elementwise Huber loss of <paramref name="x"/> (e.g. TD errors):
    /// 0.5 x^2 if |x| &lt;= delta, else delta (|x| - 0.5 delta). Differentiable; same shape as x.
    /// Dopamine uses <c>tf.compat.v1.losses.huber_loss</c> with delta = 1 and then the batch mean
    /// (<see cref="HuberMean"/>).
    /// </summary>
    public static Tensor Huber(Tensor x, double delta = 1.0)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckDelta(delta);
        using var zero = zeros_like(x);
        return nn.functional.huber_loss(x, zero, delta, nn.Reduction.None);
    }

    /// <summary>Mean over all elements of the Huber loss of <paramref name="prediction"/> -
    /// <paramref name="target"/> (one fused op).</summary>
    public static Tensor HuberMean(Tensor prediction, Tensor target, double delta = 1.0)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        CheckDelta(delta);
        return nn.functional.huber_loss(prediction, target, delta, nn.Reduction.Mean);
    }

    private static void CheckDelta(double delta)
    {
        if (!(delta > 0) || double.IsInfinity(delta))
            throw new ArgumentException($"delta = {delta} must be a finite number > 0.", nameof(delta));
    }
}
