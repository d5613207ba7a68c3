namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// Stacks the last k observations of an environment along the channel axis for acting: an inner
/// <c>[C, H, W]</c> observation becomes <c>[k * C, H, W]</c>, oldest first, the newest in the last C channels
/// (Dopamine's agent state, channels-first). <see cref="Reset"/> zeroes the stack and then pushes the first
/// observation, so an episode's first stack is k - 1 zero frames and the first frame (Dopamine's
/// <c>_reset_state</c> at every <c>begin_episode</c>, including after a life loss).
/// Replay can instead store the inner single frames and rebuild stacks (docs/atari.md, "Frame stacks").
/// Forwards <see cref="ISnapshotEnvironment"/> and <see cref="IGameEnvironment"/> when the inner environment
/// has them. Step, Reset and Observe never allocate.
/// </summary>
public sealed class FrameStack : IEnvironment, ISnapshotEnvironment, IGameEnvironment, IDisposable
{
    const string SnapshotMagic = "frame-stack/1";
    readonly IEnvironment _inner;
    readonly byte[] _stack;
    readonly int _frameSize;
    readonly string _described; // the environment in messages: its id and the stack length

    /// <summary>Stacks <paramref name="frames"/> observations of
    /// <paramref name="inner"/> (Binary or Pixels) and resets it.</summary>
    /// <exception cref="ArgumentException">frames &lt; 1, or
    /// Features observations (stacking stores bytes).</exception>
    public FrameStack(IEnvironment inner, int frames)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (frames < 1) throw new ArgumentException($"FrameStack frames must be >= 1, got {frames}.", nameof(frames));
        var o = inner.Observation;
        if (o.Kind == ObservationKind.Features)
            throw new ArgumentException($"FrameStack stacks Binary or Pixels observations; {inner.Name} has {o.Kind}.", nameof(inner));
        _inner = inner;
        Frames = frames;
        _frameSize = o.Size;
        _stack = new byte[frames * _frameSize];
        _described = $"{inner.Name} with a {frames}-frame stack";
        Observation = new ObservationSpec(frames * o.Channels, o.Height, o.Width, o.Kind);
        Reset();
    }

    /// <summary>The wrapped environment.</summary>
    public IEnvironment Inner => _inner;

    /// <summary>Number of stacked observations k.</summary>
    public int Frames { get; }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <inheritdoc />
    public ObservationSpec Observation { get; }

    /// <inheritdoc />
    public int ActionCount => _inner.ActionCount;

    /// <summary>Resets the inner environment, zeroes the stack and pushes the first observation.</summary>
    public void Reset()
    {
        _inner.Reset();
        Array.Clear(_stack);
        _inner.Observe(_stack.AsSpan(_stack.Length - _frameSize));
    }

    /// <inheritdoc />
    public StepResult Step(int action)
    {
        var result = _inner.Step(action);
        Push();
        return result;
    }

    // Shift the stack one frame towards the oldest end and write the newest observation last.
    void Push()
    {
        _stack.AsSpan(_frameSize).CopyTo(_stack);
        _inner.Observe(_stack.AsSpan(_stack.Length - _frameSize));
    }

    /// <inheritdoc />
    public void Observe(Span<byte> destination) => ByteObservation.Copy(_stack, destination, _described);

    /// <inheritdoc />
    public void Observe(Span<float> destination) => ByteObservation.Copy(_stack, destination, _described);

    /// <inheritdoc />
    public bool GameEnded => Game.GameEnded;

    /// <inheritdoc />
    public double GameReturn => Game.GameReturn;

    /// <inheritdoc />
    public int GameSteps => Game.GameSteps;

    /// <inheritdoc />
    public int Lives => Game.Lives;

    IGameEnvironment Game => _inner as IGameEnvironment
        ?? throw new NotSupportedException($"{_inner.Name} ({_inner.GetType().Name}) does not report games (IGameEnvironment).");

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The inner environment has no snapshots.</exception>
    public byte[] SaveState()
    {
        var inner = Snapshots.SaveState();
        return Snapshot.Save(SnapshotMagic, w =>
        {
            w.Write(Frames);
            w.Write(_stack);
            w.Write(inner.Length);
            w.Write(inner);
        });
    }

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state)
    {
        var snapshots = Snapshots;
        Snapshot.Restore(state, SnapshotMagic, "frame-stack", r =>
        {
            int frames = r.ReadInt32();
            if (frames != Frames) throw new InvalidDataException($"State has a {frames}-frame stack; this environment stacks {Frames}.");
            var stack = r.ReadBytes(_stack.Length);
            if (stack.Length != _stack.Length) throw new EndOfStreamException();
            int length = r.ReadInt32();
            if (length < 0) throw new InvalidDataException($"Corrupt frame-stack state: inner state length {length}.");
            snapshots.RestoreState(r.ReadBytes(length));
            stack.CopyTo(_stack, 0);
        });
    }

    ISnapshotEnvironment Snapshots => _inner as ISnapshotEnvironment
        ?? throw new NotSupportedException($"{_inner.Name} ({_inner.GetType().Name}) has no snapshots (ISnapshotEnvironment).");

    /// <summary>Disposes the inner environment if it is disposable.</summary>
    public void Dispose() => (_inner as IDisposable)?.Dispose();
}
