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
/// a chunk can always read the word after its own). Expansion of 32 bits to 32 bytes (AVX2): broadcast
/// the bits, <c>vpshufb</c> so output byte k holds input byte k/8, AND with the bit of k%8, then min(.,1)
/// turns "bit set" into 1; a whole word makes 64 bytes. The last chunk is the 32 bytes ending at C*100
/// (it may overlap the previous one and may start at any bit). Without AVX2 the same
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

    /// <summary>
    /// ORs a whole channel given as ten 10-bit row masks (row y = <paramref name="rows"/>[y], bit x = column x).
    /// The rows are packed in registers (rows 0-5 and 6-9 into one word each) and merged with four
    /// read-modify-writes, instead of ten that would wait on each other through memory.
    /// </summary>
    public void SetRows(int c, ReadOnlySpan<ushort> rows)
    {
        rows = rows[..Size];
        ulong top = 0, bottom = 0;
        for (int y = 0; y < 6; y++) top |= (ulong)(rows[y] & RowMask) << (y * Size);
        for (int y = 6; y < Size; y++) bottom |= (ulong)(rows[y] & RowMask) << ((y - 6) * Size);
        Or(c * Size * Size, top);
        Or(c * Size * Size + 6 * Size, bottom);
    }

    // ORs `bits` in at bit offset `bit` (spilling into the next word).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Or(int bit, ulong bits)
    {
        int word = bit >> 6, shift = bit & 63;
        this[word] |= bits << shift;
        if (shift != 0) this[word + 1] |= bits >> (64 - shift);
    }

    /// <summary>Writes the first <paramref name="count"/> bits as 0/1 bytes (count &gt;= 32, a multiple of 100).</summary>
    public readonly void WriteTo(Span<byte> destination, int count)
    {
        ref byte d = ref MemoryMarshal.GetReference(destination[..count]);
        if (Avx2.IsSupported && BitConverter.IsLittleEndian)
        {
            // output byte k of a 32-byte half takes input byte k/8 (low half: bytes 0-3, high half: 4-7)
            var low = Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
            var high = low + Vector256.Create((byte)4);
            var select = Vector256.Create(0x8040201008040201UL).AsByte();
            int start = 0;
            for (; start + 64 <= count; start += 64)
            {
                var word = Vector256.Create(this[start >> 6]).AsByte();
                Expand(Avx2.Shuffle(word, low), select).StoreUnsafe(ref d, (nuint)start);
                Expand(Avx2.Shuffle(word, high), select).StoreUnsafe(ref d, (nuint)start + 32);
            }
            if (count - start > 32)
            {
                Expand(Avx2.Shuffle(Vector256.Create(Chunk(start)).AsByte(), low), select).StoreUnsafe(ref d, (nuint)start);
                start += 32;
            }
            if (start < count)
                Expand(Avx2.Shuffle(Vector256.Create(Chunk(count - 32)).AsByte(), low), select).StoreUnsafe(ref d, (nuint)(count - 32));
            return;
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

    // Byte k of `spread` holds the input byte of output bit k; keep that bit and map nonzero to 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<byte> Expand(Vector256<byte> spread, Vector256<byte> select) =>
        Vector256.Min(spread & select, Vector256<byte>.One);

    // 32 bits starting at bit `start`, funnel-shifted out of two whole words (whole-word loads forward
    // from the stores that drew them; an unaligned 8-byte load across two words would stall).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly uint Chunk(int start)
    {
        int word = start >> 6, shift = start & 63;
        return (uint)((this[word] >> shift) | (this[word + 1] << 1 << (63 - shift)));
    }
}
