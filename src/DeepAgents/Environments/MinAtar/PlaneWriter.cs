using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Research.DeepAgents.Environments.MinAtar;

/// <summary>
/// Writes one MinAtar observation, [C, 10, 10] channels-first 0/1 bytes, into the caller's buffer.
/// The constructor clears the buffer (inline 32-byte stores); games then set their few point cells
/// (<see cref="Set"/>, <see cref="SetAt(int)"/>, or 16 at once from a vector) and write channels they keep
/// as bit boards in one go (<see cref="WriteBits"/>).
/// </summary>
/// <remarks>
/// <para><b>Read the state first, then construct the writer.</b> A load issued while the clear's stores
/// are still queued is delayed when its address equals one of theirs modulo 4096 (4K aliasing: the
/// hardware first compares address bits 0-11). Where the game's fields sit relative to the caller's
/// buffer is up to the allocator, so a game that loads its state after the clear ran 2-6x slower for
/// some buffer addresses (measured: Freeway 29 vs 98-195 ns per step). Each game's <c>Draw</c>
/// therefore computes every cell index and bit board into locals before it creates the writer.</para>
/// <para>Measured (docs/performance.md, "Environments"): for sparse channels (a player, a few entities)
/// clear + single-byte stores is fastest; expanding a whole bit set into bytes only pays for channels
/// that are dense boards (Breakout's bricks, Space Invaders' aliens and bullets).</para>
/// <para><see cref="WriteBits"/> turns each 32 bits of a 100-bit board into 32 bytes with AVX2:
/// broadcast, <c>vpshufb</c> so output byte k holds input byte k/8, AND with the bit of k%8, min(., 1).
/// The four chunks start at bytes 0, 32, 64 and 68 (the last one overlaps the third so no store leaves
/// the channel). Without AVX2 it falls back to one byte per bit.</para>
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

    // Inline 32-byte stores (Span.Clear would call out to a general memset for these sizes): one at the
    // start, then 32-byte-aligned ones, four per iteration, then one ending at the end (overlapping).
    // Aligned stores never straddle a cache line or a page; unaligned ones straddle a line half of the
    // time and, where the caller's buffer crosses a page, a page, which costs ~20 cycles on Zen 3
    // (measured: a 400-byte clear across a page boundary 15 vs 9 ns). The buffer is at least 32 bytes.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static unsafe void Clear(Span<byte> planes)
    {
        ref byte d = ref MemoryMarshal.GetReference(planes);
        if (!Vector256.IsHardwareAccelerated || planes.Length < 32)
        {
            // a plain loop, not Span.Clear: a call here makes the JIT spill the game's values to the
            // stack, and reloading them after the stores risks the 4K-aliasing delay described above
            for (int k = 0; k < planes.Length; k++) Unsafe.Add(ref d, k) = 0;
            return;
        }
        nuint n = (nuint)planes.Length;
        var zero = Vector256<byte>.Zero;
        zero.StoreUnsafe(ref d, 0);
        // first 32-aligned offset after 0 (only the alignment is read from the address; if the GC moves
        // the buffer meanwhile the stores are still correct, just possibly unaligned)
        nuint i = 32 - ((nuint)Unsafe.AsPointer(ref d) & 31);
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

    /// <summary>Sets channel <paramref name="c"/> at (row
    /// <paramref name="y"/>, column <paramref name="x"/>).</summary>
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
    /// Packs ten row masks (row y = <paramref name="rows"/>[y], bit x = column x) into a 100-bit board for
    /// <see cref="WriteBits"/>: bit 10y + x of (<paramref name="low"/>,
    /// <paramref name="high"/>) = cell (y, x).
    /// </summary>
    public static void PackRows(ReadOnlySpan<ushort> rows, out ulong low, out ulong high)
    {
        rows = rows[..Size];
        // rows 0-5 fill low's first 60 bits, rows 6-9 start at bit 60
        low = 0; high = 0;
        for (int y = 0; y < 6; y++) low |= (ulong)(rows[y] & RowMask) << (y * Size);
        for (int y = 6; y < Size; y++) high |= (ulong)(rows[y] & RowMask) << ((y - 6) * Size);
        low |= high << 60;
        high >>= 4;
    }

    /// <summary>
    /// Writes channel <paramref name="c"/> from a 100-bit board: bit i of <paramref name="low"/> is cell i
    /// (= 10y + x) for i &lt; 64, bit i-64 of <paramref name="high"/> cell i for i &gt;= 64 (bits 36-63 of
    /// <paramref name="high"/> are ignored). The channel must still be clear, as the constructor left it
    /// (an all-zero <paramref name="high"/> writes nothing over cells 64-99).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteBits(int c, ulong low, ulong high)
    {
        var plane = _planes.Slice(c * PlaneSize, PlaneSize);
        high &= (1UL << (PlaneSize - 64)) - 1;
        if (Avx2.IsSupported && BitConverter.IsLittleEndian)
        {
            ref byte d = ref MemoryMarshal.GetReference(plane);
            // The shuffle and bit patterns are built from immediates in registers: as JIT constants they
            // would be loaded from the code's data section after the clear (see the remarks on 4K aliasing).
            ulong opaqueZero = (uint)_planes.Length >> 31; // always 0, but not a compile-time constant
            const ulong Byte1 = 0x0101010101010101UL;
            var spread = Vector256.Create(opaqueZero, Byte1 | opaqueZero, 2 * Byte1 | opaqueZero, 3 * Byte1 | opaqueZero).AsByte();
            var select = Vector256.Create(0x8040201008040201UL | opaqueZero).AsByte();
            Expand((uint)low, spread, select).StoreUnsafe(ref d, 0);
            Expand((uint)(low >> 32), spread, select).StoreUnsafe(ref d, 32);
            if (high != 0)
            {
                Expand((uint)high, spread, select).StoreUnsafe(ref d, 64);
                Expand((uint)(high >> 4), spread, select).StoreUnsafe(ref d, 68); // bits 68-99
            }
            return;
        }
        for (int i = 0; i < 64; i++) plane[i] = (byte)(low >> i & 1);
        for (int i = 64; i < PlaneSize; i++) plane[i] = (byte)(high >> (i - 64) & 1);
    }

    // 32 bits -> 32 bytes of 0/1 (AVX2 only): spread puts byte k/8 of bits in byte k, select holds bit
    // k%8 there; byte k = 0 - ((picked & select) == select), i.e. 1 where the bit is set.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<byte> Expand(uint bits, Vector256<byte> spread, Vector256<byte> select)
    {
        var picked = Avx2.Shuffle(Vector256.Create(bits).AsByte(), spread) & select;
        return Vector256<byte>.Zero - Vector256.Equals(picked, select);
    }
}
