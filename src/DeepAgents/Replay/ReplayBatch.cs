namespace Research.DeepAgents.Replay;

/// <summary>
/// A preallocated minibatch of transitions (s, a, r, terminal, s'), filled in place by
/// <see cref="ReplayBuffer.Sample"/>. Observations are floats in the encoding the networks take
/// (Binary 0/1, Pixels 0..255 — the network scales — and Features raw), row-major [B, C, H, W].
/// </summary>
public sealed class ReplayBatch
{
    /// <summary>Allocates a batch of <paramref name="size"/> transitions of
    /// <paramref name="observationSize"/> scalars each.</summary>
    public ReplayBatch(int size, int observationSize)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "batch size must be at least 1");
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be at least 1");
        Size = size;
        ObservationSize = observationSize;
        Observations = new float[size * observationSize];
        NextObservations = new float[size * observationSize];
        Actions = new long[size];
        Rewards = new float[size];
        Terminals = new float[size];
        Slots = new int[size];
    }

    /// <summary>Number of transitions B.</summary>
    public int Size { get; }
    /// <summary>Scalars per observation (C*H*W).</summary>
    public int ObservationSize { get; }
    /// <summary>s, [B, C*H*W].</summary>
    public float[] Observations { get; }
    /// <summary>s', [B, C*H*W] (meaningless where
    /// <see cref="Terminals"/> is 1; the target masks it).</summary>
    public float[] NextObservations { get; }
    /// <summary>a, [B] (long: the index type of gather).</summary>
    public long[] Actions { get; }
    /// <summary>r, [B].</summary>
    public float[] Rewards { get; }
    /// <summary>1 when s' is terminal (no bootstrapping), else 0, [B].</summary>
    public float[] Terminals { get; }
    /// <summary>The replay slot of each transition (for prioritized replay's priority updates).</summary>
    public int[] Slots { get; }
}
