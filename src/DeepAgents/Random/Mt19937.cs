namespace Research.DeepAgents.Random;

/// <summary>
/// A saved position of an <see cref="Mt19937"/> stream: the 624-word key and the index of the next word.
/// Equal states produce equal continuations (checkpoints store this).
/// </summary>
/// <param name="Key">The 624 state words (a copy; changing it does not affect any generator).</param>
/// <param name="Position">Index of the next word to temper, 0..624 (624 = regenerate first).</param>
public sealed record Mt19937State(uint[] Key, int Position);

/// <summary>
/// The Mersenne Twister MT19937 with numpy's legacy <c>RandomState</c> semantics
/// (spec/minatar.md, "Randomness"): Knuth seeding from a 32-bit integer, <see cref="NextDouble"/> as
/// <c>rand()</c> (53-bit from two words) and <see cref="RandInt"/> as <c>randint(low, high)</c> (masked
/// rejection). The same seed gives exactly numpy's stream. Not thread-safe; one stream per environment.
/// </summary>
public sealed class Mt19937
{
    /// <summary>Number of 32-bit words in the state.</summary>
    public const int StateSize = 624;
    const int M = 397;
    const uint MatrixA = 0x9908b0dfu, UpperMask = 0x80000000u, LowerMask = 0x7fffffffu;

    readonly uint[] _mt = new uint[StateSize];
    int _index;

    /// <summary>Seeds like <c>numpy.random.RandomState(seed)</c>.</summary>
    public Mt19937(uint seed) => Seed(seed);

    /// <summary>Re-seeds with Knuth's initialisation: <c>mt[i] = 1812433253*(mt[i-1]^(mt[i-1]&gt;&gt;30)) + i</c>.</summary>
    public void Seed(uint seed)
    {
        _mt[0] = seed;
        for (uint i = 1; i < StateSize; i++)
            _mt[i] = unchecked(1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + i);
        _index = StateSize;
    }

    /// <summary>The next 32-bit output (tempered).</summary>
    public uint NextUInt32()
    {
        if (_index >= StateSize) Twist();
        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>numpy's <c>rand()</c>: a = next&gt;&gt;5, b = next&gt;&gt;6, (a*2^26 + b) / 2^53, in [0, 1).</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>
    /// numpy's legacy <c>randint(low, high)</c>, high exclusive: with r = high-1-low and mask the smallest
    /// 2^k-1 &gt;= r, draws <c>next &amp; mask</c> until it is &lt;= r. r == 0 draws nothing.
    /// </summary>
    public int RandInt(int low, int high)
    {
        if (high <= low)
            throw new ArgumentOutOfRangeException(nameof(high), high, $"randint needs high > low (low = {low}).");
        uint range = (uint)(high - 1 - low);
        if (range == 0) return low;
        uint mask = range;
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16;
        uint v;
        do v = NextUInt32() & mask; while (v > range);
        return low + (int)v;
    }

    /// <summary>A copy of the current position (for checkpoints).</summary>
    public Mt19937State GetState() => new((uint[])_mt.Clone(), _index);

    /// <summary>Continues from a saved position.</summary>
    /// <exception cref="ArgumentException">The key is not 624 words or the position is outside 0..624.</exception>
    public void SetState(Mt19937State state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Key is null || state.Key.Length != StateSize)
            throw new ArgumentException($"Mt19937State.Key must have {StateSize} words, got {state.Key?.Length ?? 0}.", nameof(state));
        if (state.Position is < 0 or > StateSize)
            throw new ArgumentException($"Mt19937State.Position must be in 0..{StateSize}, got {state.Position}.", nameof(state));
        state.Key.CopyTo(_mt, 0);
        _index = state.Position;
    }

    /// <summary>Writes the state (624 words + position) for binary snapshots.</summary>
    public void Write(BinaryWriter writer)
    {
        foreach (var w in _mt) writer.Write(w);
        writer.Write(_index);
    }

    /// <summary>Reads a state written by <see cref="Write"/>.</summary>
    public void Read(BinaryReader reader)
    {
        var key = new uint[StateSize];
        for (int i = 0; i < StateSize; i++) key[i] = reader.ReadUInt32();
        SetState(new Mt19937State(key, reader.ReadInt32()));
    }

    // Regenerates all 624 words (the standard MT19937 recurrence).
    void Twist()
    {
        var mt = _mt;
        int k = 0;
        for (; k < StateSize - M; k++)
        {
            uint y = (mt[k] & UpperMask) | (mt[k + 1] & LowerMask);
            mt[k] = mt[k + M] ^ (y >> 1) ^ ((y & 1u) * MatrixA);
        }
        for (; k < StateSize - 1; k++)
        {
            uint y = (mt[k] & UpperMask) | (mt[k + 1] & LowerMask);
            mt[k] = mt[k + M - StateSize] ^ (y >> 1) ^ ((y & 1u) * MatrixA);
        }
        uint last = (mt[StateSize - 1] & UpperMask) | (mt[0] & LowerMask);
        mt[StateSize - 1] = mt[M - 1] ^ (last >> 1) ^ ((last & 1u) * MatrixA);
        _index = 0;
    }
}
