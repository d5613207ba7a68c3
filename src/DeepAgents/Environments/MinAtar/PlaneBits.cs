using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// One MinAtar observation as a bit set: bit <c>(c*10 + y)*10 + x</c> is channel c, row y, column x,
/// i.e. the [C, 10, 10] byte layout with one bit per byte. Games draw into it (<see cref="Set"/>,
/// <see cref="SetRow"/>); <see cref="WriteTo"/> then expands the C*100 bits into 0/1 bytes
/// in one pass, so nothing is cleared and written cell by cell.
/// </summary>
/// <remarks>
/// Bits live in 17 little-endian <c>ulong</c>s (at most 10 channels = 1000 bits, plus a padding word so
/// the last 8-byte read stays inside). Expansion of 32 bits to 32 bytes (AVX2): broadcast the 4 bytes,
/// <c>vpshufb</c> so output byte k holds input byte k/8, AND with the bit of k%8, then min(.,1) turns
/// "bit set" into 1. The last chunk is the 32 bytes ending at C*100 (it may overlap the previous one
/// and may start at any bit). Without AVX2 the same
/// runs 16 bytes at a time on Vector128 (SSSE3 / Arm tbl), else bit by bit. Chunks are cut out of
/// whole words with shifts, not read with unaligned loads: a load spanning two words just written by
/// the drawing code cannot be store-forwarded and stalls.
/// </remarks>
[InlineArray(Words)]
internal struct PlaneBits
{
    /// <summary>Number of 64-bit words (16 for 1000 bits + 1 padding word).</summary>
    public const int Words = 17;

    const int Size = MinAtarGame.Size, RowMask = (1 << Size) - 1;

    ulong _word0;

    /// <summary>Sets channel <paramref name="c"/> at (row <paramref name="y"/>, column <paramref name="x"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int c, int y, int x)
    {
        int bit = (c * Size + y) * Size + x;
        this[bit >> 6] |= 1UL << bit; // C# masks the shift count to bit & 63
    }

    /// <summary>ORs a 10-bit row mask (bit x = column x) into channel <paramref name="c"/>, row <paramref name="y"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetRow(int c, int y, int row)
    {
        int bit = (c * Size + y) * Size;
        ulong mask = (ulong)(row & RowMask);
        int word = bit >> 6, shift = bit & 63;
        this[word] |= mask << shift;
        if (shift > 64 - Size) this[word + 1] |= mask >> (64 - shift); // the row straddles two words
    }

    /// <summary>Writes the first <paramref name="count"/> bits as 0/1 bytes (count &gt;= 32, a multiple of 100).</summary>
    public readonly void WriteTo(Span<byte> destination, int count)
    {
        ref byte d = ref MemoryMarshal.GetReference(destination[..count]);
        if (Avx2.IsSupported && BitConverter.IsLittleEndian)
        {
            var spread = Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
            var select = Vector256.Create(0x8040201008040201UL).AsByte();
            for (int start = 0; ; start += 32)
            {
                if (start > count - 32) start = count - 32;
                var v = Vector256.Create(Chunk(start)).AsByte();
                Vector256.Min(Avx2.Shuffle(v, spread) & select, Vector256<byte>.One).StoreUnsafe(ref d, (nuint)start);
                if (start == count - 32) return;
            }
        }
        if (Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian)
        {
            var spread = Vector128.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
            var select = Vector128.Create(0x8040201008040201UL).AsByte();
            for (int start = 0; ; start += 16)
            {
                if (start > count - 16) start = count - 16;
                var v = Vector128.Create((ushort)Chunk(start)).AsByte();
                Vector128.Min(Vector128.Shuffle(v, spread) & select, Vector128<byte>.One).StoreUnsafe(ref d, (nuint)start);
                if (start == count - 16) return;
            }
        }
        for (int i = 0; i < count; i++)
            Unsafe.Add(ref d, i) = (byte)(this[i >> 6] >> i & 1);
    }

    // 32 bits starting at bit `start`, funnel-shifted out of two whole words (whole-word loads forward
    // from the stores that drew them; an unaligned 8-byte load across two words would stall).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly uint Chunk(int start)
    {
        int word = start >> 6, shift = start & 63;
        return (uint)((this[word] >> shift) | (this[word + 1] << 1 << (63 - shift)));
    }
}
