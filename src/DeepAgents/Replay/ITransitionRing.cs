namespace Research.DeepAgents.Replay;

/// <summary>
/// The view of a replay ring that n-step returns (<see cref="NStepReturns"/>) and prioritized sampling
/// (<see cref="PrioritizedSampler"/>) walk: the slot layout of <see cref="ReplayBuffer"/>. Slot i holds one
/// observation and, once the agent acted from it, the outgoing transition (action, reward, terminated);
/// the next observation of slot i is slot i+1 (mod <see cref="Capacity"/>), so an episode is a run of
/// consecutive slots whose last slot has no transition.
/// <see cref="ReplayBuffer"/> and <see cref="FrameStackReplay"/>
/// implement it (through <see cref="IReplayRing"/>).
/// </summary>
public interface ITransitionRing
{
    /// <summary>Number of slots.</summary>
    int Capacity { get; }
    /// <summary>Slots written so far, at most <see cref="Capacity"/>.</summary>
    int Count { get; }
    /// <summary>The slot the next write goes to; the newest written slot is the one before it.</summary>
    int Cursor { get; }
    /// <summary>Scalars per (rebuilt) observation.</summary>
    int ObservationSize { get; }
    /// <summary>
    /// How many older slots the observation of a slot reads besides its own (k - 1 for a k-frame stack,
    /// 0 when each slot stores a whole observation). Writing slot w can make slots w+1..w+HistoryLength
    /// unsampleable (their history is overwritten).
    /// </summary>
    int HistoryLength { get; }
    /// <summary>Whether <paramref name="slot"/> holds a
    /// transition whose observation can be rebuilt.</summary>
    bool HasTransition(int slot);
    /// <summary>The action taken from <paramref name="slot"/>.</summary>
    int ActionAt(int slot);
    /// <summary>The reward of the transition from <paramref name="slot"/>.</summary>
    float RewardAt(int slot);
    /// <summary>Whether the transition from <paramref name="slot"/> ends in a terminal state.</summary>
    bool TerminatedAt(int slot);
    /// <summary>Writes the observation of <paramref name="slot"/> as floats (network encoding).</summary>
    void CopyObservation(int slot, Span<float> destination);
}
