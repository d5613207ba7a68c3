namespace Research.DeepAgents.Replay;

/// <summary>
/// A preallocated minibatch of transitions (s, a, r, terminal, s'), filled in place by
/// <see cref="ReplayBuffer.Sample"/>. Observations are floats in the encoding the networks take
/// (Binary 0/1, Pixels 0..255 — the network scales — and Features raw), row-major [B, C, H, W].
/// </summary>
public sealed class ReplayBatch : TransitionBatch
{
    /// <summary>Allocates a batch of <paramref name="size"/> transitions of
    /// <paramref name="observationSize"/> scalars each.</summary>
    public ReplayBatch(int size, int observationSize) : base(size, observationSize)
    {
        NextObservations = new float[size * observationSize];
        Rewards = new float[size];
        Terminals = new float[size];
    }

    /// <summary>s', [B, C*H*W] (meaningless where
    /// <see cref="Terminals"/> is 1; the target masks it).</summary>
    public float[] NextObservations { get; }
    /// <summary>r, [B].</summary>
    public float[] Rewards { get; }
    /// <summary>1 when s' is terminal (no bootstrapping), else 0, [B].</summary>
    public float[] Terminals { get; }
}
