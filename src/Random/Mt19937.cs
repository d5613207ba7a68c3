using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Research.Random;

/// <summary>
/// A saved position of an <see cref="Mt19937"/> stream: the 624-word key and the index of the next word.
/// Equal states produce equal continuations (checkpoints store this).
/// </summary>
/// <param name="Key">The 624 state words (a copy; changing it does not affect any generator).</param>
/// <param name="Position">Index of the next word to temper, 0..624 (624 = regenerate first).</param>
public sealed record Mt19937State(uint[] Key, int Position);

/// <summary>
/// The Mersenne Twister MT19937 with numpy's legacy <c>RandomState</c> semantics
/// (docs/environments.md, "The random stream"): Knuth seeding from a 32-bit integer,
/// <see cref="NextDouble"/> as
/// <c>rand()</c> (53-bit from two words) and <see cref="RandInt"/> as <c>randint(low, high)</c> (masked
/// rejection). The same seed gives exactly numpy's stream. Not thread-safe; one stream per environment.
/// </summary>
/// <remarks>
/// The 624 words are regenerated a block at a time (the standard recurrence, 8 words per AVX2 step
/// where available) and the whole block is tempered at once into a second array, so a draw is one
/// load. The state (<see cref="GetState"/>, <see cref="Write"/>) is still the untempered key and the
/// position, as before.
/// </remarks>
public sealed class Mt19937
{
    /// <summary>Number of 32-bit words in the state.</summary>
    public const int StateSize = 624;
    const int M = 397;
    const uint MatrixA = 0x9908b0dfu, UpperMask = 0x80000000u, LowerMask = 0x7fffffffu;
    const double TwoPow53 = 9007199254740992.0;

    readonly uint[] _mt = new uint[StateSize];
    // Invariant: _tempered[i] == Temper(_mt[i]) for every i (outputs of the current block).
    readonly uint[] _tempered = new uint[StateSize];
    int _index;

    /// <summary>Seeds like <c>numpy.random.RandomState(seed)</c>.</summary>
    public Mt19937(uint seed) => Seed(seed);

    /// <summary>Re-seeds with Knuth's initialisation:
    /// <c>mt[i] = 1812433253*(mt[i-1]^(mt[i-1]&gt;&gt;30)) + i</c>.</summary>
    public void Seed(uint seed)
    {
        _mt[0] = seed;
        for (uint i = 1; i < StateSize; i++)
            _mt[i] = unchecked(1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + i);
        TemperBlock(_mt, _tempered);
        _index = StateSize;
    }

    /// <summary>The next 32-bit output (tempered).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32()
    {
        int i = _index;
        if ((uint)i >= StateSize) { Refill(); i = 0; }
        _index = i + 1;
        return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tempered), i); // 0 <= i < 624
    }

    /// <summary>
    /// The integer behind <see cref="NextDouble"/>: with the next two words a and b,
    /// <c>(a&gt;&gt;5)*2^26 + (b&gt;&gt;6)</c>, in [0, 2^53).
    /// <c>NextDouble() == NextInt53() / 2^53</c> exactly, so
    /// <c>NextInt53() &lt; Int53Threshold(p)</c> is the same test as <c>NextDouble() &lt; p</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextInt53()
    {
        int i = _index;
        if ((uint)i < StateSize - 1)
        {
            _index = i + 2;
            ref uint a = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_tempered), i); // i + 1 < 624
            return (ulong)(a >> 5) << 26 | (Unsafe.Add(ref a, 1) >> 6);
        }
        return NextInt53AcrossBlocks();
    }

    // The two words straddle a regeneration (or the block is exhausted).
    [MethodImpl(MethodImplOptions.NoInlining)]
    ulong NextInt53AcrossBlocks()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (ulong)a << 26 | b;
    }

    /// <summary>numpy's <c>rand()</c>: a = next&gt;&gt;5, b =
    /// next&gt;&gt;6, (a*2^26 + b) / 2^53, in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => NextInt53() * (1.0 / TwoPow53); // exact: a 53-bit integer times 2^-53

    /// <summary>
    /// The threshold t with <c>NextInt53() &lt; t</c> exactly when <c>NextDouble() &lt; probability</c>:
    /// <c>ceil(probability * 2^53)</c> clamped to [0, 2^53] (0 for NaN). Lets callers compare integers.
    /// </summary>
    public static ulong Int53Threshold(double probability)
    {
        // x / 2^53 < p  <=>  x < p * 2^53 (scaling by 2^53 is exact)  <=>  x < ceil(p * 2^53) for integer x.
        if (!(probability > 0)) return 0;
        if (probability >= 1) return 1UL << 53;
        return (ulong)Math.Ceiling(probability * TwoPow53);
    }

    /// <summary>
    /// numpy's legacy <c>randint(low, high)</c>, high exclusive: with r = high-1-low and mask the smallest
    /// 2^k-1 &gt;= r, draws <c>next &amp; mask</c> until it is &lt;= r. r == 0 draws nothing.
    /// </summary>
    public int RandInt(int low, int high)
    {
        if (high <= low) ThrowBadRange(low, high);
        uint range = (uint)(high - 1 - low);
        if (range == 0) return low;
        // Smallest 2^k-1 >= range.
        uint mask = uint.MaxValue >> System.Numerics.BitOperations.LeadingZeroCount(range);
        uint v;
        do v = NextUInt32() & mask; while (v > range);
        return low + (int)v;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    static void ThrowBadRange(int low, int high) =>
        throw new ArgumentOutOfRangeException(nameof(high), high, $"randint needs high > low (low = {low}).");

    /// <summary>A copy of the current position (for checkpoints).</summary>
    public Mt19937State GetState() => new((uint[])_mt.Clone(), _index);

    /// <summary>Continues from a saved position.</summary>
    /// <exception cref="ArgumentException">The key is not 624
    /// words or the position is outside 0..624.</exception>
    public void SetState(Mt19937State state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Key is null || state.Key.Length != StateSize)
            throw new ArgumentException($"Mt19937State.Key must have {StateSize} words, got {state.Key?.Length ?? 0}.", nameof(state));
        if (state.Position is < 0 or > StateSize)
            throw new ArgumentException($"Mt19937State.Position must be in 0..{StateSize}, got {state.Position}.", nameof(state));
        state.Key.CopyTo(_mt, 0);
        TemperBlock(_mt, _tempered);
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

    // Next block: regenerate the key, temper it, start at word 0.
    [MethodImpl(MethodImplOptions.NoInlining)]
    void Refill()
    {
        TwistBlock(_mt);
        TemperBlock(_mt, _tempered);
        _index = 0;
    }

    /// <summary>Regenerates all 624 words of <paramref name="mt"/>
    /// in place (vectorised when possible).</summary>
    internal static void TwistBlock(Span<uint> mt)
    {
        if (Vector256.IsHardwareAccelerated) TwistVector256(mt);
        else TwistScalar(mt);
    }

    /// <summary>The standard MT19937 recurrence, one word at a
    /// time (the reference for the vector version).</summary>
    internal static void TwistScalar(Span<uint> mt)
    {
        mt = mt[..StateSize];
        for (int k = 0; k < StateSize; k++) mt[k] = Next(mt[k], mt[(k + 1) % StateSize], mt[(k + M) % StateSize]);
    }

    // mt'[k] from mt[k], mt[k+1] and mt[k+M] (indices mod 624; the last two may already be regenerated).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Next(uint current, uint next, uint far)
    {
        uint y = (current & UpperMask) | (next & LowerMask);
        return far ^ (y >> 1) ^ ((y & 1u) * MatrixA);
    }

    /// <summary>
    /// The recurrence 8 words at a time. Word k reads k+1 (not yet regenerated) and k+397 mod 624:
    /// for k &lt; 227 an old word, for k &gt;= 227 word k-227, regenerated earlier in this pass. Both hold
    /// for all 8 lanes of a chunk as long as the chunk does not cross 227 (lane k+7 reads k-220 &lt; k)
    /// and its k+1..k+8 loads stay below 624, so the two ranges run in chunks with scalar tails.
    /// </summary>
    internal static void TwistVector256(Span<uint> mt)
    {
        mt = mt[..StateSize];
        ref uint r = ref MemoryMarshal.GetReference(mt);
        const int Split = StateSize - M; // 227
        int k = 0;
        for (; k + 8 <= Split; k += 8) TwistChunk(ref r, k, k + M);
        for (; k < Split; k++) mt[k] = Next(mt[k], mt[k + 1], mt[k + M]);
        for (; k + 8 < StateSize; k += 8) TwistChunk(ref r, k, k - Split);
        for (; k < StateSize - 1; k++) mt[k] = Next(mt[k], mt[k + 1], mt[k - Split]);
        mt[StateSize - 1] = Next(mt[StateSize - 1], mt[0], mt[M - 1]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void TwistChunk(ref uint r, int k, int far)
    {
        var current = Vector256.LoadUnsafe(ref r, (nuint)k);
        var next = Vector256.LoadUnsafe(ref r, (nuint)(k + 1));
        var y = (current & Vector256.Create(UpperMask)) | (next & Vector256.Create(LowerMask));
        // All ones where y is odd: (y & 1) * MatrixA.
        var odd = Vector256<uint>.Zero - (y & Vector256<uint>.One);
        var result = Vector256.LoadUnsafe(ref r, (nuint)far) ^ (y >> 1) ^ (odd & Vector256.Create(MatrixA));
        result.StoreUnsafe(ref r, (nuint)k);
    }

    /// <summary>MT19937's tempering of one word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Temper(uint y)
    {
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Tempers 624 words of <paramref name="source"/> into
    /// <paramref name="destination"/> (vectorised when possible).</summary>
    internal static void TemperBlock(ReadOnlySpan<uint> source, Span<uint> destination)
    {
        source = source[..StateSize];
        destination = destination[..StateSize];
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref uint s = ref MemoryMarshal.GetReference(source);
            ref uint d = ref MemoryMarshal.GetReference(destination);
            for (; i + 8 <= StateSize; i += 8)
            {
                var y = Vector256.LoadUnsafe(ref s, (nuint)i);
                y ^= y >> 11;
                y ^= (y << 7) & Vector256.Create(0x9d2c5680u);
                y ^= (y << 15) & Vector256.Create(0xefc60000u);
                y ^= y >> 18;
                y.StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < StateSize; i++) destination[i] = Temper(source[i]);
    }
}
