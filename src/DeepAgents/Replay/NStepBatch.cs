namespace Research.DeepAgents.Replay;

/// <summary>
/// A preallocated minibatch of n-step transitions (s_t, a_t, r^(n), discount, s_{t+m}) with the replay
/// slots and importance weights, filled in place by <see cref="PrioritizedSampler.Sample(NStepBatch)"/>
/// (or <see cref="NStepReturns.Fill"/>). Observations are
/// floats in the network encoding, row-major [B, C*H*W].
/// </summary>
public sealed class NStepBatch : TransitionBatch
{
    /// <summary>Allocates a batch of <paramref name="size"/> transitions of
    /// <paramref name="observationSize"/> scalars each.</summary>
    public NStepBatch(int size, int observationSize) : base(size, observationSize)
    {
        BootstrapObservations = new float[size * observationSize];
        Returns = new float[size];
        Discounts = new float[size];
        Steps = new int[size];
        Weights = new float[size];
    }

    /// <summary>s_{t+m}, [B, C*H*W] (multiplied by a 0 discount after a terminal).</summary>
    public float[] BootstrapObservations { get; }
    /// <summary>r^(m) = sum_{k&lt;m} gamma^k r_{t+k}, [B].</summary>
    public float[] Returns { get; }
    /// <summary>gamma^m, or 0 when the episode terminated within the window, [B].</summary>
    public float[] Discounts { get; }
    /// <summary>m, the number of rewards summed, [B].</summary>
    public int[] Steps { get; }
    /// <summary>Importance-sampling loss weights, normalised so the
    /// batch maximum is 1 (all 1 under uniform sampling).</summary>
    public float[] Weights { get; }
}
