namespace Research.DeepAgents.Replay;

/// <summary>
/// What every preallocated minibatch holds: B start observations (floats in the encoding the networks take,
/// row-major [B, C*H*W]), their actions and their replay slots. <see cref="ReplayBatch"/> adds one-step
/// targets, <see cref="NStepBatch"/> n-step ones.
/// </summary>
public abstract class TransitionBatch
{
    /// <summary>Allocates a batch of <paramref name="size"/> transitions of
    /// <paramref name="observationSize"/> scalars each.</summary>
    private protected TransitionBatch(int size, int observationSize)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "batch size must be at least 1");
        if (observationSize < 1) throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observation size must be at least 1");
        Size = size;
        ObservationSize = observationSize;
        Observations = new float[size * observationSize];
        Actions = new long[size];
        Slots = new int[size];
    }

    /// <summary>Number of transitions B.</summary>
    public int Size { get; }
    /// <summary>Scalars per observation (C*H*W).</summary>
    public int ObservationSize { get; }
    /// <summary>The start observations s_t, [B, C*H*W].</summary>
    public float[] Observations { get; }
    /// <summary>a_t, [B] (long: the index type of gather).</summary>
    public long[] Actions { get; }
    /// <summary>The replay slot of each transition (for prioritized replay's priority updates).</summary>
    public int[] Slots { get; }
}
