namespace Research.DeepAgents.Replay;

/// <summary>
/// A replay ring an agent writes to and checkpoints:
/// <see cref="ReplayBuffer"/> (whole observations per slot) or
/// <see cref="FrameStackReplay"/> (one frame per slot, stacks rebuilt). Agents write through this view so the
/// choice of storage is made once, in their constructor.
/// </summary>
public interface IReplayRing : ITransitionRing
{
    /// <summary>Transitions currently stored.</summary>
    int TransitionCount { get; }
    /// <summary>Transitions added since creation (Dopamine's <c>add_count</c>).</summary>
    long AddCount { get; }
    /// <summary>Starts an episode with its first observation (the environment's float encoding).</summary>
    void BeginEpisode(ReadOnlySpan<float> firstObservation);
    /// <summary>Records the transition from the latest observation to
    /// <paramref name="nextObservation"/>.</summary>
    void Add(int action, float reward, bool terminated, ReadOnlySpan<float> nextObservation);
    /// <summary>Writes the ring's full state.</summary>
    void Save(BinaryWriter writer);
    /// <summary>Restores a state written by <see cref="Save"/> into a ring of the same shape.</summary>
    void Load(BinaryReader reader);
}
