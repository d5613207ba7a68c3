using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Writes one MinAtar observation, [C, 10, 10] channels-first 0/1 bytes, into the caller's buffer.
/// The buffer is cleared once (a vectorised memset); games then set their few point cells
/// (<see cref="Set"/>) and write channels they keep as 10-bit row masks in one go (<see cref="WriteRows"/>).
/// </summary>
/// <remarks>
/// Measured (docs/performance.md, "Environments"): for sparse channels (a player, a few entities)
/// clear + single-byte stores is fastest; expanding a whole bit set into bytes only pays for channels
/// that are dense row masks (Breakout's bricks, Space Invaders' aliens and bullets).
/// <para><see cref="WriteRows"/> packs the ten rows into 100 bits (two words) in registers, then turns
/// each 32 bits into 32 bytes with AVX2: broadcast, <c>vpshufb</c> so output byte k holds input byte k/8,
/// AND with the bit of k%8, min(., 1). The four chunks start at bytes 0, 32, 64 and 68 (the last one
/// overlaps the third so no store leaves the channel). Without AVX2 it falls back to one byte per bit.</para>
/// </remarks>
internal readonly ref struct PlaneWriter
{
    const int Size = MinAtarGame.Size, RowMask = (1 << Size) - 1, PlaneSize = Size * Size;

    readonly Span<byte> _planes;

    /// <summary>Clears <paramref name="planes"/> (exactly C*100 bytes) and writes into it.</summary>
    public PlaneWriter(Span<byte> planes)
    {
        planes.Clear();
        _planes = planes;
    }

    /// <summary>Sets channel <paramref name="c"/> at (row <paramref name="y"/>, column <paramref name="x"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int c, int y, int x) => _planes[(c * Size + y) * Size + x] = 1;

    /// <summary>
    /// Writes all of channel <paramref name="c"/> from ten row masks (row y = <paramref name="rows"/>[y],
    /// bit x = column x), replacing whatever the channel held.
    /// </summary>
    public void WriteRows(int c, ReadOnlySpan<ushort> rows)
    {
        rows = rows[..Size];
        var plane = _planes.Slice(c * PlaneSize, PlaneSize);
        // bit 10y + x of (low, high) = cell (y, x): rows 0-5 fill low's first 60 bits, rows 6-9 start at bit 60
        ulong low = 0, high = 0;
        for (int y = 0; y < 6; y++) low |= (ulong)(rows[y] & RowMask) << (y * Size);
        for (int y = 6; y < Size; y++) high |= (ulong)(rows[y] & RowMask) << ((y - 6) * Size);
        low |= high << 60;
        high >>= 4;
        if (Avx2.IsSupported && BitConverter.IsLittleEndian)
        {
            ref byte d = ref MemoryMarshal.GetReference(plane);
            Expand((uint)low).StoreUnsafe(ref d, 0);
            Expand((uint)(low >> 32)).StoreUnsafe(ref d, 32);
            Expand((uint)high).StoreUnsafe(ref d, 64);
            Expand((uint)(high >> 4)).StoreUnsafe(ref d, 68); // bits 68-99
            return;
        }
        for (int i = 0; i < 64; i++) plane[i] = (byte)(low >> i & 1);
        for (int i = 64; i < PlaneSize; i++) plane[i] = (byte)(high >> (i - 64) & 1);
    }

    // 32 bits -> 32 bytes of 0/1 (AVX2 only).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<byte> Expand(uint bits)
    {
        var spread = Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
        var select = Vector256.Create(0x8040201008040201UL).AsByte();
        return Vector256.Min(Avx2.Shuffle(Vector256.Create(bits).AsByte(), spread) & select, Vector256<byte>.One);
    }
}
