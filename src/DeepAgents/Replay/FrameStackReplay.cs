using System.Runtime.InteropServices;
using Research.DeepAgents.Environments;
using Research.Random;

namespace Research.DeepAgents.Replay;

/// <summary>
/// Replay for stacked-frame observations (Atari: k = 4 grayscale 84x84 frames) that stores each frame
/// once: slot t holds frame t (H*W bytes), and the observation of slot t is rebuilt as the stack of
/// frames t-k+1..t, oldest first (channel k-1 is frame t, as the agent's state where the newest frame
/// is last), with zeros for frames from before the episode's first slot (an episode-start marker,
/// set by <see cref="BeginEpisode(ReadOnlySpan{byte})"/>) — the state the agent saw, since its stack
/// starts from zeros each episode (Dopamine's <c>_reset_state</c>). Otherwise the slot layout is that
/// of <see cref="ReplayBuffer"/> (slot i+1 is the next observation of slot i; an episode's last slot has
/// no transition), so <see cref="NStepReturns"/> and <see cref="PrioritizedSampler"/> work on it.
/// <para>Memory per slot (the one home of this sum; docs/agents.md, "Frame-stack storage for Atari"):
/// H*W frame bytes + 4 (action) + 4 (reward) + 3 flags (terminated, has-transition, episode start)
/// = 7,067 bytes at 84x84, versus 4*7,056 + 11 = 28,235 bytes when whole stacks are stored: 1M transitions
/// take 7.07 GB instead of 28.2 GB. Frames live in chunks of at most
/// 65,536 frames (a single array cannot exceed 2^31 bytes).</para>
/// <para>A slot whose stack would reach frames already overwritten by newer ones (the k-1 oldest slots
/// when the ring has wrapped, unless an episode starts in between) reports no transition, so it is
/// never sampled. Add, BeginEpisode and the copy methods never allocate.</para>
/// </summary>
public sealed class FrameStackReplay : IReplayRing
{
    /// <summary>Frames per storage chunk (fewer when a chunk would exceed the array size limit).</summary>
    public const int DefaultFramesPerChunk = 1 << 16;

    readonly byte[][] _chunks;
    readonly int _chunkShift;
    readonly int _chunkMask;
    readonly int[] _actions;
    readonly float[] _rewards;
    readonly bool[] _terminated;
    readonly bool[] _hasTransition;
    readonly bool[] _episodeStart;
    int _cursor;
    int _count;
    int _transitionCount;
    long _addCount;
    bool _episodeOpen;

    /// <summary>An empty ring of <paramref name="capacity"/> slots for <paramref name="stack"/>-frame stacks
    /// of <paramref name="frameHeight"/> x <paramref name="frameWidth"/> byte frames.</summary>
    public FrameStackReplay(int frameHeight, int frameWidth, int stack, int capacity)
        : this(frameHeight, frameWidth, stack, capacity, DefaultFramesPerChunk) { }

    /// <summary>As the public constructor, with the chunk size (a
    /// power of two) given (tests use small chunks).</summary>
    internal FrameStackReplay(int frameHeight, int frameWidth, int stack, int capacity, int framesPerChunk)
    {
        if (frameHeight < 1) throw new ArgumentOutOfRangeException(nameof(frameHeight), frameHeight, "frame height must be at least 1");
        if (frameWidth < 1) throw new ArgumentOutOfRangeException(nameof(frameWidth), frameWidth, "frame width must be at least 1");
        if (stack < 1 || stack > 64) throw new ArgumentOutOfRangeException(nameof(stack), stack, "frame stack must be in 1..64");
        if (capacity < 2) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "replay capacity must be at least 2 slots");
        if (framesPerChunk < 1 || !System.Numerics.BitOperations.IsPow2(framesPerChunk))
            throw new ArgumentOutOfRangeException(nameof(framesPerChunk), framesPerChunk, "frames per chunk must be a power of two");
        long frameSize = (long)frameHeight * frameWidth;
        if (frameSize * stack > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(frameHeight), frameHeight, "frame size times stack is too large");
        while ((long)framesPerChunk * frameSize > Array.MaxLength) framesPerChunk >>= 1;
        FrameHeight = frameHeight;
        FrameWidth = frameWidth;
        FrameSize = (int)frameSize;
        Stack = stack;
        Capacity = capacity;
        _chunkShift = System.Numerics.BitOperations.Log2((uint)framesPerChunk);
        _chunkMask = framesPerChunk - 1;
        int chunkCount = (int)(((long)capacity + framesPerChunk - 1) / framesPerChunk);
        _chunks = new byte[chunkCount][];
        for (int c = 0; c < chunkCount; c++)
        {
            int frames = Math.Min(framesPerChunk, capacity - c * framesPerChunk);
            _chunks[c] = new byte[(long)frames * FrameSize];
        }
        _actions = new int[capacity];
        _rewards = new float[capacity];
        _terminated = new bool[capacity];
        _hasTransition = new bool[capacity];
        _episodeStart = new bool[capacity];
    }

    /// <summary>Frame height H.</summary>
    public int FrameHeight { get; }
    /// <summary>Frame width W.</summary>
    public int FrameWidth { get; }
    /// <summary>Bytes per frame, H*W.</summary>
    public int FrameSize { get; }
    /// <summary>Frames per observation k.</summary>
    public int Stack { get; }
    /// <inheritdoc />
    public int Capacity { get; }
    /// <inheritdoc />
    public int Count => _count;
    /// <inheritdoc />
    public int Cursor => _cursor;
    /// <summary>Scalars per rebuilt observation, k*H*W.</summary>
    public int ObservationSize => Stack * FrameSize;
    /// <summary>k - 1: the older frames an observation reads.</summary>
    public int HistoryLength => Stack - 1;
    /// <summary>Transitions stored (including the few whose history is overwritten).</summary>
    public int TransitionCount => _transitionCount;
    /// <summary>Transitions added since creation.</summary>
    public long AddCount => _addCount;
    /// <summary>
    /// Bytes held by the ring's arrays: the per-slot sum of the class summary times the capacity.
    /// </summary>
    public long StorageBytes
    {
        get
        {
            long frames = 0;
            foreach (var chunk in _chunks) frames += chunk.LongLength;
            return frames + (long)_actions.Length * sizeof(int) + (long)_rewards.Length * sizeof(float)
                + _terminated.LongLength + _hasTransition.LongLength + _episodeStart.LongLength;
        }
    }

    /// <summary>
    /// Fills <paramref name="batch"/> with uniformly drawn transitions (DQN's replay), s and s' rebuilt from
    /// single frames (<see cref="UniformSampling.Sample"/>); draws from
    /// <paramref name="random"/>, which the caller owns and checkpoints.
    /// </summary>
    public void Sample(ReplayBatch batch, Xoshiro256 random) => UniformSampling.Sample(this, random, batch);

    /// <summary>Starts an episode with its first frame (H*W
    /// bytes); its stack is zeros and this frame.</summary>
    public void BeginEpisode(ReadOnlySpan<byte> firstFrame)
    {
        WriteSlot(firstFrame, episodeStart: true);
        _episodeOpen = true;
    }

    /// <summary>
    /// Starts an episode from a float observation: either one frame (H*W values) or a whole stack
    /// (k*H*W values, channels-first, of which the last frame is stored). Values are 0..255 pixels.
    /// </summary>
    public void BeginEpisode(ReadOnlySpan<float> firstObservation)
    {
        WriteSlot(LatestFrame(firstObservation, nameof(firstObservation)), episodeStart: true);
        _episodeOpen = true;
    }

    /// <summary>Records the transition from the latest frame and the next frame (H*W bytes).</summary>
    public void Add(int action, float reward, bool terminated, ReadOnlySpan<byte> nextFrame)
    {
        CheckFrame(nextFrame.Length, nameof(nextFrame));
        int slot = BeginTransition(action, reward, terminated);
        WriteSlot(nextFrame, episodeStart: false);
        AfterWrite(slot);
    }

    /// <summary>Records the transition; the next observation is one frame
    /// or a whole stack of floats (its last frame is stored).</summary>
    public void Add(int action, float reward, bool terminated, ReadOnlySpan<float> nextObservation)
    {
        var frame = LatestFrame(nextObservation, nameof(nextObservation));
        int slot = BeginTransition(action, reward, terminated);
        WriteSlot(frame, episodeStart: false);
        AfterWrite(slot);
    }

    // Both Adds: the slot the next frame goes to, with the transition's action, reward and end flag set.
    int BeginTransition(int action, float reward, bool terminated)
    {
        int slot = BeforeWrite();
        _actions[slot] = action;
        _rewards[slot] = reward;
        _terminated[slot] = terminated;
        return slot;
    }

    /// <summary>
    /// Whether <paramref name="slot"/> holds a transition whose stack is intact (every frame it needs
    /// from its own episode is still stored).
    /// </summary>
    public bool HasTransition(int slot) => (uint)slot < (uint)_count && _hasTransition[slot] && HistoryIntact(slot);

    /// <summary>Whether <paramref name="slot"/> is the first slot of an episode.</summary>
    public bool IsEpisodeStart(int slot) => _episodeStart[slot];
    /// <inheritdoc />
    public int ActionAt(int slot) => _actions[slot];
    /// <inheritdoc />
    public float RewardAt(int slot) => _rewards[slot];
    /// <inheritdoc />
    public bool TerminatedAt(int slot) => _terminated[slot];

    /// <summary>The frame stored at <paramref name="slot"/> (a view
    /// into the ring; valid until that slot is overwritten).</summary>
    public ReadOnlySpan<byte> Frame(int slot)
    {
        if ((uint)slot >= (uint)_count)
            throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slot must be a written slot in 0..{_count - 1}");
        return FrameSpan(slot);
    }

    /// <summary>
    /// Rebuilds the k*H*W stack of <paramref name="slot"/> as bytes: frames slot-k+1..slot, oldest first,
    /// zeros for frames before the episode's start (or already overwritten).
    /// </summary>
    public void CopyStack(int slot, Span<byte> destination) => CopyFrames(slot, destination);

    /// <summary>As <see cref="CopyStack"/>, written as floats
    /// 0..255 (the Pixels encoding the networks take).</summary>
    public void CopyObservation(int slot, Span<float> destination) => CopyFrames(slot, destination);

    // The stack walk of both copies; T is byte or float (the JIT compiles one body for each, the type
    // test folded).
    void CopyFrames<T>(int slot, Span<T> destination) where T : unmanaged
    {
        int present = CheckedPresentFrames(slot, destination.Length);
        int missing = Stack - present;
        destination[..(missing * FrameSize)].Clear();
        int s = slot;
        for (int c = Stack - 1; c >= missing; c--)
        {
            var frame = FrameSpan(s);
            var target = destination.Slice(c * FrameSize, FrameSize);
            if (typeof(T) == typeof(byte)) frame.CopyTo(MemoryMarshal.Cast<T, byte>(target));
            else ByteObservation.Widen(frame, MemoryMarshal.Cast<T, float>(target));
            s = s == 0 ? Capacity - 1 : s - 1;
        }
    }

    // Frames of slot's own episode that are still stored, counting back from slot itself (1..k).
    // intact: none of the k frames is missing because it was overwritten (only because the episode started).
    int PresentFrames(int slot, out bool intact)
    {
        int present = 1, s = slot;
        intact = true;
        while (present < Stack && !_episodeStart[s])
        {
            int previous = s == 0 ? Capacity - 1 : s - 1;
            if (!IsOlder(previous, slot))
            {
                intact = false; // the frame before is a newer write: this episode's older frames are gone
                break;
            }
            s = previous;
            present++;
        }
        return present;
    }

    bool HistoryIntact(int slot)
    {
        PresentFrames(slot, out bool intact);
        return intact;
    }

    // Whether slot a holds an older write than slot b (both written). Ages count from the oldest slot.
    bool IsOlder(int a, int b)
    {
        if ((uint)a >= (uint)_count) return false;
        if (_count < Capacity) return a < b;
        int ageA = a - _cursor, ageB = b - _cursor;
        if (ageA < 0) ageA += Capacity;
        if (ageB < 0) ageB += Capacity;
        return ageA < ageB;
    }

    int CheckedPresentFrames(int slot, int destinationLength)
    {
        if ((uint)slot >= (uint)_count)
            throw new ArgumentOutOfRangeException(nameof(slot), slot, $"slot must be a written slot in 0..{_count - 1}");
        if (destinationLength != ObservationSize)
            throw new ArgumentException($"destination has {destinationLength} values; a stack has {ObservationSize}.", "destination");
        return PresentFrames(slot, out _);
    }

    Span<byte> FrameSpan(int slot) =>
        _chunks[slot >> _chunkShift].AsSpan((slot & _chunkMask) * FrameSize, FrameSize);

    ReadOnlySpan<float> LatestFrame(ReadOnlySpan<float> observation, string name)
    {
        if (observation.Length == FrameSize) return observation;
        if (observation.Length == ObservationSize) return observation[(ObservationSize - FrameSize)..];
        throw new ArgumentException($"{name} has {observation.Length} values; expected one frame ({FrameSize}) or a stack of {Stack} ({ObservationSize}).", name);
    }

    void CheckFrame(int length, string name)
    {
        if (length != FrameSize)
            throw new ArgumentException($"{name} has {length} bytes; the replay stores {FrameHeight}x{FrameWidth} = {FrameSize}.", name);
    }

    int BeforeWrite()
    {
        if (!_episodeOpen)
            throw new InvalidOperationException("FrameStackReplay.Add called before BeginEpisode.");
        return _cursor == 0 ? Capacity - 1 : _cursor - 1;
    }

    void AfterWrite(int slot)
    {
        _hasTransition[slot] = true;
        _transitionCount++;
        _addCount++;
    }

    void WriteSlot(ReadOnlySpan<byte> frame, bool episodeStart)
    {
        CheckFrame(frame.Length, nameof(frame));
        PrepareSlot(episodeStart);
        frame.CopyTo(FrameSpan(_cursor));
        AdvanceCursor();
    }

    void WriteSlot(ReadOnlySpan<float> frame, bool episodeStart)
    {
        PrepareSlot(episodeStart);
        var target = FrameSpan(_cursor);
        for (int i = 0; i < frame.Length; i++) target[i] = (byte)frame[i];
        AdvanceCursor();
    }

    void PrepareSlot(bool episodeStart)
    {
        int slot = _cursor;
        if (_hasTransition[slot])
        {
            _hasTransition[slot] = false; // the oldest transition is overwritten
            _transitionCount--;
        }
        _episodeStart[slot] = episodeStart;
        _terminated[slot] = false;
    }

    void AdvanceCursor()
    {
        _cursor = _cursor + 1 == Capacity ? 0 : _cursor + 1;
        if (_count < Capacity) _count++;
    }

    const int FormatVersion = 1;

    /// <summary>Writes the full state: shape, counters and
    /// the written slots' frames and transitions.</summary>
    public void Save(BinaryWriter writer)
    {
        StateHeader.Write(writer, FormatVersion, Capacity, FrameHeight, FrameWidth, Stack);
        writer.Write(_cursor);
        writer.Write(_count);
        writer.Write(_transitionCount);
        writer.Write(_addCount);
        writer.Write(_episodeOpen);
        for (int s = 0; s < _count; s += _chunkMask + 1)
            writer.Write(_chunks[s >> _chunkShift].AsSpan(0, Math.Min(_chunkMask + 1, _count - s) * FrameSize));
        writer.Write(MemoryMarshal.AsBytes(_actions.AsSpan(0, _count)));
        writer.Write(MemoryMarshal.AsBytes(_rewards.AsSpan(0, _count)));
        writer.Write(MemoryMarshal.AsBytes(_terminated.AsSpan(0, _count)));
        writer.Write(MemoryMarshal.AsBytes(_hasTransition.AsSpan(0, _count)));
        writer.Write(MemoryMarshal.AsBytes(_episodeStart.AsSpan(0, _count)));
    }

    /// <summary>Restores a state written by <see cref="Save"/>
    /// into a ring of the same shape and capacity.</summary>
    public void Load(BinaryReader reader)
    {
        StateHeader.Read(reader, "frame-stack replay", "capacity, frame height, frame width, stack", FormatVersion,
            Capacity, FrameHeight, FrameWidth, Stack);
        _cursor = reader.ReadInt32();
        _count = reader.ReadInt32();
        _transitionCount = reader.ReadInt32();
        _addCount = reader.ReadInt64();
        _episodeOpen = reader.ReadBoolean();
        if (_count < 0 || _count > Capacity || _cursor < 0 || _cursor >= Capacity)
            throw new InvalidDataException($"frame-stack replay state has count {_count} and cursor {_cursor} for capacity {Capacity}.");
        for (int s = 0; s < _count; s += _chunkMask + 1)
            reader.BaseStream.ReadExactly(_chunks[s >> _chunkShift].AsSpan(0, Math.Min(_chunkMask + 1, _count - s) * FrameSize));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_actions.AsSpan(0, _count)));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_rewards.AsSpan(0, _count)));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_terminated.AsSpan(0, _count)));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_hasTransition.AsSpan(0, _count)));
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(_episodeStart.AsSpan(0, _count)));
        _hasTransition.AsSpan(_count).Clear();
        _episodeStart.AsSpan(_count).Clear();
    }
}
