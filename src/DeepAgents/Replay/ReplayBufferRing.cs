namespace Research.DeepAgents.Replay;

/// <summary>
/// Adapts the uniform <see cref="ReplayBuffer"/> (whole observations per slot, so no history) to
/// <see cref="ITransitionRing"/> for n-step returns and prioritized sampling. Every member forwards.
/// </summary>
public sealed class ReplayBufferRing(ReplayBuffer buffer) : ITransitionRing
{
    readonly ReplayBuffer _buffer = buffer ?? throw new ArgumentNullException(nameof(buffer));

    /// <summary>The adapted buffer.</summary>
    public ReplayBuffer Buffer => _buffer;
    /// <inheritdoc />
    public int Capacity => _buffer.Capacity;
    /// <inheritdoc />
    public int Count => _buffer.Count;
    /// <inheritdoc />
    public int Cursor => _buffer.Cursor;
    /// <inheritdoc />
    public int ObservationSize => _buffer.ObservationSize;
    /// <inheritdoc />
    public int HistoryLength => 0;
    /// <inheritdoc />
    public bool HasTransition(int slot) => _buffer.HasTransition(slot);
    /// <inheritdoc />
    public int ActionAt(int slot) => _buffer.ActionAt(slot);
    /// <inheritdoc />
    public float RewardAt(int slot) => _buffer.RewardAt(slot);
    /// <inheritdoc />
    public bool TerminatedAt(int slot) => _buffer.TerminatedAt(slot);
    /// <inheritdoc />
    public void CopyObservation(int slot, Span<float> destination) => _buffer.CopyObservation(slot, destination);
}
