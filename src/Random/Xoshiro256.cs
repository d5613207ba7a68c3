namespace Research.Random;

/// <summary>
/// The xoshiro256** generator (Blackman and Vigna, 2018) seeded through SplitMix64. Small, fast and
/// with a state of four words that checkpoints save and restore exactly, which <see cref="System.Random"/>
/// does not allow. Not thread-safe: one instance per random stream (a training run derives one seed per
/// stream: docs/run-format.md, "Seeds"). The tabular studies draw from it too (Research.Tabular.Rng).
/// </summary>
public sealed class Xoshiro256
{
    ulong _s0, _s1, _s2, _s3;

    /// <summary>Seeds the four state words with four SplitMix64 outputs of <paramref name="seed"/>.</summary>
    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64.Next(ref x);
        _s1 = SplitMix64.Next(ref x);
        _s2 = SplitMix64.Next(ref x);
        _s3 = SplitMix64.Next(ref x);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>A uniform integer in [0, <paramref name="n"/>)
    /// without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be positive.");
        uint range = (uint)n;
        ulong m = (NextUInt64() >> 32) * range;
        uint low = (uint)m;
        if (low < range)
        {
            // Reject the (2^32 mod n) lowest products, which would make small results more likely.
            uint threshold = (uint)(0x1_0000_0000UL % range);
            while (low < threshold)
            {
                m = (NextUInt64() >> 32) * range;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>Writes the four state words.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(_s0); writer.Write(_s1); writer.Write(_s2); writer.Write(_s3);
    }

    /// <summary>Restores state written by <see cref="Save"/>.</summary>
    public void Load(BinaryReader reader)
    {
        _s0 = reader.ReadUInt64(); _s1 = reader.ReadUInt64(); _s2 = reader.ReadUInt64(); _s3 = reader.ReadUInt64();
    }

    static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
