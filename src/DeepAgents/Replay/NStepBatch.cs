namespace Research.DeepAgents.Replay;

/// <summary>
/// A preallocated minibatch of n-step transitions (s_t, a_t, r^(n), discount, s_{t+m}) with the replay
/// slots and importance weights, filled in place by <see cref="PrioritizedSampler.Sample(NStepBatch)"/>
/// (or <see cref="NStepReturns.Fill"/>). Observations are
/// floats in the network encoding, row-major [B, C*H*W].
/// </summary>
public sealed class NStepBatch
{
    /// <summary>Allocates a batch of <paramref name="size"/> transitions of
    /// <paramref name="observationSize"/> scalars each.</summary>
    public NStepBatch(int size, int observationSize)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "batch size must be at least 1");
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be at least 1");
        Size = size;
        ObservationSize = observationSize;
        Observations = new float[size * observationSize];
        BootstrapObservations = new float[size * observationSize];
        Actions = new long[size];
        Returns = new float[size];
        Discounts = new float[size];
        Steps = new int[size];
        Slots = new int[size];
        Weights = new float[size];
    }

    /// <summary>Number of transitions B.</summary>
    public int Size { get; }
    /// <summary>Scalars per observation.</summary>
    public int ObservationSize { get; }
    /// <summary>s_t, [B, C*H*W].</summary>
    public float[] Observations { get; }
    /// <summary>s_{t+m}, [B, C*H*W] (multiplied by a 0 discount after a terminal).</summary>
    public float[] BootstrapObservations { get; }
    /// <summary>a_t, [B] (long: the index type of gather).</summary>
    public long[] Actions { get; }
    /// <summary>r^(m) = sum_{k&lt;m} gamma^k r_{t+k}, [B].</summary>
    public float[] Returns { get; }
    /// <summary>gamma^m, or 0 when the episode terminated within the window, [B].</summary>
    public float[] Discounts { get; }
    /// <summary>m, the number of rewards summed, [B].</summary>
    public int[] Steps { get; }
    /// <summary>The replay slot of each transition (for priority updates).</summary>
    public int[] Slots { get; }
    /// <summary>Importance-sampling loss weights, normalised so the
    /// batch maximum is 1 (all 1 under uniform sampling).</summary>
    public float[] Weights { get; }
}
