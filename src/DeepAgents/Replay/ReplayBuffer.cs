using Research.DeepAgents.Environments;
using Research.Random;

namespace Research.DeepAgents.Replay;

/// <summary>
/// Uniform experience replay as a preallocated ring of slots. Each slot holds one observation and, once
/// the agent has acted from it, the outgoing transition (action, reward, terminated). The next
/// observation of slot i is slot i+1: an episode o_0..o_T takes T+1 consecutive slots and its last slot
/// (o_T, kept so that time-limit truncations can bootstrap) has no transition. This layout stores each
/// observation once and keeps episodes contiguous, so n-step returns and frame stacks can walk slots
/// (issue 5). Binary and Pixels observations are stored as bytes, Features as floats.
/// Add and Sample never allocate.
/// </summary>
public sealed class ReplayBuffer : IReplayRing
{
    readonly byte[]? _bytes;
    readonly float[]? _floats;
    readonly int[] _actions;
    readonly float[] _rewards;
    readonly bool[] _terminated;
    readonly bool[] _hasTransition;
    readonly Xoshiro256 _random;
    int _cursor;
    int _count;
    int _transitionCount;
    long _addCount;
    bool _episodeOpen;

    /// <summary>An empty buffer of <paramref name="capacity"/> slots
    /// sampling with a stream seeded by <paramref name="seed"/>.</summary>
    public ReplayBuffer(ObservationSpec observation, int capacity, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(observation);
        if (capacity < 2)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "replay capacity must be at least 2 slots");
        Observation = observation;
        Capacity = capacity;
        ObservationSize = observation.Size;
        long total = (long)capacity * ObservationSize;
        if (total > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                $"replay capacity times observation size ({ObservationSize}) must be at most {Array.MaxLength}");
        if (observation.Kind == ObservationKind.Features) _floats = new float[total];
        else _bytes = new byte[total];
        _actions = new int[capacity];
        _rewards = new float[capacity];
        _terminated = new bool[capacity];
        _hasTransition = new bool[capacity];
        _random = new Xoshiro256(seed);
    }

    /// <summary>The shape and encoding of stored observations.</summary>
    public ObservationSpec Observation { get; }
    /// <summary>Number of slots.</summary>
    public int Capacity { get; }
    /// <summary>Scalars per observation.</summary>
    public int ObservationSize { get; }
    /// <summary>Slots written so far, at most <see cref="Capacity"/>.</summary>
    public int Count => _count;
    /// <summary>Transitions currently available for sampling.</summary>
    public int TransitionCount => _transitionCount;
    /// <summary>Transitions added since creation (Dopamine's <c>add_count</c>).</summary>
    public long AddCount => _addCount;
    /// <summary>The slot the next write goes to.</summary>
    public int Cursor => _cursor;
    /// <summary>0: every slot stores a whole observation (no frame history to rebuild).</summary>
    public int HistoryLength => 0;

    /// <summary>Starts an episode with its first observation
    /// (values as the environment's float encoding).</summary>
    public void BeginEpisode(ReadOnlySpan<float> firstObservation)
    {
        WriteSlot(firstObservation);
        _episodeOpen = true;
    }

    /// <summary>
    /// Records the transition from the latest observation: action <paramref name="action"/>, reward
    /// <paramref name="reward"/>, whether the next state is terminal, and the next observation
    /// (for a time-limit truncation, the final observation to bootstrap from).
    /// </summary>
    public void Add(int action, float reward, bool terminated, ReadOnlySpan<float> nextObservation)
    {
        if (!_episodeOpen)
            throw new InvalidOperationException("ReplayBuffer.Add called before BeginEpisode.");
        int slot = Previous(_cursor);
        _actions[slot] = action;
        _rewards[slot] = reward;
        _terminated[slot] = terminated;
        WriteSlot(nextObservation); // before marking: writing may overwrite the oldest transition
        _hasTransition[slot] = true;
        _transitionCount++;
        _addCount++;
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with transitions drawn uniformly (with replacement) from the stored
    /// ones: a slot is drawn uniformly among the written slots and redrawn while it has no transition.
    /// </summary>
    public void Sample(ReplayBatch batch) => UniformSampling.Sample(this, _random, batch);

    /// <summary>Copies the transition stored at <paramref name="slot"/> into
    /// row <paramref name="row"/> of <paramref name="batch"/>.</summary>
    public void CopyTransition(int slot, ReplayBatch batch, int row) => UniformSampling.CopyTransition(this, slot, batch, row);

    /// <summary>Whether <paramref name="slot"/> holds a
    /// transition (its next observation is slot+1).</summary>
    public bool HasTransition(int slot) => (uint)slot < (uint)_count && _hasTransition[slot];
    /// <summary>The action taken from <paramref name="slot"/>.</summary>
    public int ActionAt(int slot) => _actions[slot];
    /// <summary>The reward of the transition from <paramref name="slot"/>.</summary>
    public float RewardAt(int slot) => _rewards[slot];
    /// <summary>Whether the transition from <paramref name="slot"/> ends in a terminal state.</summary>
    public bool TerminatedAt(int slot) => _terminated[slot];
    /// <summary>The slot after <paramref name="slot"/> in ring order.</summary>
    public int Next(int slot) => slot + 1 == Capacity ? 0 : slot + 1;
    /// <summary>The slot before <paramref name="slot"/> in ring order.</summary>
    public int Previous(int slot) => slot == 0 ? Capacity - 1 : slot - 1;

    /// <summary>Writes the observation at <paramref name="slot"/> as floats.</summary>
    public void CopyObservation(int slot, Span<float> destination)
    {
        int offset = slot * ObservationSize;
        if (_floats is not null)
        {
            _floats.AsSpan(offset, ObservationSize).CopyTo(destination);
            return;
        }
        ByteObservation.Widen(_bytes.AsSpan(offset, ObservationSize), destination);
    }

    void WriteSlot(ReadOnlySpan<float> observation)
    {
        if (observation.Length != ObservationSize)
            throw new ArgumentException($"observation has {observation.Length} values; the replay stores {ObservationSize}.", nameof(observation));
        int slot = _cursor;
        if (_hasTransition[slot])
        {
            _hasTransition[slot] = false; // the oldest transition is overwritten
            _transitionCount--;
        }
        int offset = slot * ObservationSize;
        if (_floats is not null) observation.CopyTo(_floats.AsSpan(offset, ObservationSize));
        else
        {
            var target = _bytes.AsSpan(offset, ObservationSize);
            for (int i = 0; i < observation.Length; i++) target[i] = (byte)observation[i];
        }
        _cursor = Next(slot);
        if (_count < Capacity) _count++;
    }

    const int FormatVersion = 1;

    /// <summary>Writes the full state: contents of the written
    /// slots, cursor, counters and the sampling stream.</summary>
    public void Save(BinaryWriter writer)
    {
        StateHeader.Write(writer, FormatVersion, Capacity, ObservationSize);
        writer.Write(_cursor);
        writer.Write(_count);
        writer.Write(_transitionCount);
        writer.Write(_addCount);
        writer.Write(_episodeOpen);
        _random.Save(writer);
        if (_floats is not null) writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_floats.AsSpan(0, _count * ObservationSize)));
        else writer.Write(_bytes.AsSpan(0, _count * ObservationSize));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_actions.AsSpan(0, _count)));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_rewards.AsSpan(0, _count)));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_terminated.AsSpan(0, _count)));
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_hasTransition.AsSpan(0, _count)));
    }

    /// <summary>Restores a state written by <see cref="Save"/> into
    /// a buffer of the same capacity and observation size.</summary>
    public void Load(BinaryReader reader)
    {
        StateHeader.Read(reader, "replay", "capacity, observation size", FormatVersion, Capacity, ObservationSize);
        _cursor = reader.ReadInt32();
        _count = reader.ReadInt32();
        _transitionCount = reader.ReadInt32();
        _addCount = reader.ReadInt64();
        _episodeOpen = reader.ReadBoolean();
        _random.Load(reader);
        if (_floats is not null) ReadExactly(reader, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_floats.AsSpan(0, _count * ObservationSize)));
        else ReadExactly(reader, _bytes.AsSpan(0, _count * ObservationSize));
        ReadExactly(reader, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_actions.AsSpan(0, _count)));
        ReadExactly(reader, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_rewards.AsSpan(0, _count)));
        ReadExactly(reader, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_terminated.AsSpan(0, _count)));
        ReadExactly(reader, System.Runtime.InteropServices.MemoryMarshal.AsBytes(_hasTransition.AsSpan(0, _count)));
        _hasTransition.AsSpan(_count).Clear();
    }

    static void ReadExactly(BinaryReader reader, Span<byte> destination) => reader.BaseStream.ReadExactly(destination);
}
