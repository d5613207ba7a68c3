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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PlaneWriter(Span<byte> planes)
    {
        Clear(planes);
        _planes = planes;
    }

    // Inline 32-byte stores, four per iteration, the last one overlapping (a C*100-byte buffer is >= 400
    // bytes); Span.Clear would call out to a general memset for these sizes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Clear(Span<byte> planes)
    {
        if (!Vector256.IsHardwareAccelerated || planes.Length < 32)
        {
            planes.Clear();
            return;
        }
        ref byte d = ref MemoryMarshal.GetReference(planes);
        nuint n = (nuint)planes.Length, i = 0;
        var zero = Vector256<byte>.Zero;
        for (; i + 128 <= n; i += 128)
        {
            zero.StoreUnsafe(ref d, i);
            zero.StoreUnsafe(ref d, i + 32);
            zero.StoreUnsafe(ref d, i + 64);
            zero.StoreUnsafe(ref d, i + 96);
        }
        for (; i + 32 <= n; i += 32) zero.StoreUnsafe(ref d, i);
        zero.StoreUnsafe(ref d, n - 32);
    }

    /// <summary>Sets channel <paramref name="c"/> at (row <paramref name="y"/>, column <paramref name="x"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int c, int y, int x) => _planes[(c * Size + y) * Size + x] = 1;

    /// <summary>Sets the cell at flat index <paramref name="index"/> = (c*10 + y)*10 + x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetAt(int index) => _planes[index] = 1;

    /// <summary>
    /// Sets the cells at the first <paramref name="count"/> (a multiple of 4) flat indices starting at
    /// <paramref name="cells"/>. The caller guarantees every index is below the buffer length (games clamp
    /// them when they compute them), so the stores are unchecked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetAtClamped(ref ushort cells, int count)
    {
        ref byte d = ref MemoryMarshal.GetReference(_planes);
        for (int k = 0; k < count; k += 4)
        {
            ref ushort c = ref Unsafe.Add(ref cells, k);
            Unsafe.Add(ref d, c) = 1;
            Unsafe.Add(ref d, Unsafe.Add(ref c, 1)) = 1;
            Unsafe.Add(ref d, Unsafe.Add(ref c, 2)) = 1;
            Unsafe.Add(ref d, Unsafe.Add(ref c, 3)) = 1;
        }
    }

    /// <summary>
    /// Sets the 16 cells whose flat indices are the lanes of <paramref name="cells"/>; the caller guarantees
    /// they are below the buffer length. The lanes are moved to general registers 64 bits at a time (a
    /// vector stored to memory and read back as 16-bit loads would stall on store forwarding).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetAtClamped(Vector256<ushort> cells)
    {
        ref byte d = ref MemoryMarshal.GetReference(_planes);
        var low = cells.GetLower().AsUInt64();
        var high = cells.GetUpper().AsUInt64();
        Set4(ref d, low.ToScalar());
        Set4(ref d, low.GetElement(1));
        Set4(ref d, high.ToScalar());
        Set4(ref d, high.GetElement(1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Set4(ref byte d, ulong four)
    {
        Unsafe.Add(ref d, (ushort)four) = 1;
        Unsafe.Add(ref d, (ushort)(four >> 16)) = 1;
        Unsafe.Add(ref d, (ushort)(four >> 32)) = 1;
        Unsafe.Add(ref d, (ushort)(four >> 48)) = 1;
    }

    /// <summary>
    /// Stores <paramref name="value"/> (0 or 1) at flat index <paramref name="index"/>: lets a game draw
    /// a possibly absent entity without a branch, storing 0 into a cell that is known to stay 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreAt(int index, int value) => _planes[index] = (byte)value;

    /// <summary>
    /// Writes the ten cells of row <paramref name="y"/> of channel <paramref name="c"/> from the low ten bits
    /// of <paramref name="bits"/> (bit x = column x), replacing what the row held.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteRowBits(int c, int y, int bits)
    {
        int start = (c * Size + y) * Size;
        if ((uint)start > (uint)(_planes.Length - Size)) ThrowOutside(start);
        ref byte d = ref Unsafe.Add(ref MemoryMarshal.GetReference(_planes), start);
        if (Bmi2.X64.IsSupported && BitConverter.IsLittleEndian)
        {
            // pdep spreads bit k to byte k: 8 cells in one 64-bit store, the last 2 in a 16-bit store
            Unsafe.WriteUnaligned(ref d, Bmi2.X64.ParallelBitDeposit((ulong)(bits & 0xff), 0x0101010101010101UL));
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, 8), (ushort)Bmi2.ParallelBitDeposit((uint)(bits >> 8 & 3), 0x0101u));
            return;
        }
        for (int x = 0; x < Size; x++) Unsafe.Add(ref d, x) = (byte)(bits >> x & 1);
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    static void ThrowOutside(int start) => throw new ArgumentOutOfRangeException(nameof(start), start, "Row outside the observation.");

    /// <summary>
    /// Writes all of channel <paramref name="c"/> from ten row masks (row y = <paramref name="rows"/>[y],
    /// bit x = column x), replacing whatever the channel held.
    /// </summary>
    public void WriteRows(int c, ReadOnlySpan<ushort> rows)
    {
        rows = rows[..Size];
        // bit 10y + x of (low, high) = cell (y, x): rows 0-5 fill low's first 60 bits, rows 6-9 start at bit 60
        ulong low = 0, high = 0;
        for (int y = 0; y < 6; y++) low |= (ulong)(rows[y] & RowMask) << (y * Size);
        for (int y = 6; y < Size; y++) high |= (ulong)(rows[y] & RowMask) << ((y - 6) * Size);
        low |= high << 60;
        high >>= 4;
        _planes.Slice(c * PlaneSize, PlaneSize).Clear();
        WriteBits(c, low, high);
    }

    /// <summary>
    /// Writes channel <paramref name="c"/> from a 100-bit board: bit i of <paramref name="low"/> is cell i
    /// (= 10y + x) for i &lt; 64, bit i-64 of <paramref name="high"/> cell i for i &gt;= 64 (bits 36-63 of
    /// <paramref name="high"/> are ignored). The channel must still be clear, as the constructor left it
    /// (an all-zero <paramref name="high"/> writes nothing over cells 64-99).
    /// </summary>
    public void WriteBits(int c, ulong low, ulong high)
    {
        var plane = _planes.Slice(c * PlaneSize, PlaneSize);
        high &= (1UL << (PlaneSize - 64)) - 1;
        if (Avx2.IsSupported && BitConverter.IsLittleEndian)
        {
            ref byte d = ref MemoryMarshal.GetReference(plane);
            Expand((uint)low).StoreUnsafe(ref d, 0);
            Expand((uint)(low >> 32)).StoreUnsafe(ref d, 32);
            if (high != 0)
            {
                Expand((uint)high).StoreUnsafe(ref d, 64);
                Expand((uint)(high >> 4)).StoreUnsafe(ref d, 68); // bits 68-99
            }
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
