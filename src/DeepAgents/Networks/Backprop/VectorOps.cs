using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Research.DeepAgents.Networks.Backprop;

/// <summary>
/// The elementwise passes of the hand-derived kernels, each one SIMD loop (<see cref="Vector{T}"/>, AVX2 for
/// the 8x8 transpose) with a scalar tail: bias + ReLU, column sums, the ReLU mask, scaled adds, transposes.
/// </summary>
internal static class VectorOps
{
    /// <summary>z[row, :] += bias for every row of width bias.Length,
    /// then ReLU when <paramref name="relu"/>.</summary>
    public static void AddBias(Span<float> z, ReadOnlySpan<float> bias, bool relu)
    {
        int width = bias.Length;
        for (int row = 0; row < z.Length; row += width)
        {
            var r = z.Slice(row, width);
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; j <= width - Vector<float>.Count; j += Vector<float>.Count)
                {
                    var v = Load(r, j) + Load(bias, j);
                    Store(relu ? Vector.Max(v, Vector<float>.Zero) : v, r, j);
                }
            }
            for (; j < width; j++)
            {
                var v = r[j] + bias[j];
                r[j] = relu ? MathF.Max(v, 0f) : v;
            }
        }
    }

    /// <summary>sums[j] = sum over rows of m[row, j], rows of width sums.Length (overwrites sums).</summary>
    public static void ColumnSums(ReadOnlySpan<float> m, Span<float> sums)
    {
        int width = sums.Length;
        sums.Clear();
        for (int row = 0; row < m.Length; row += width) AddScaled(sums, m.Slice(row, width), 1f);
    }

    /// <summary>The sum of all elements (vector lanes first, then across them).</summary>
    public static float Sum(ReadOnlySpan<float> x)
    {
        int i = 0;
        float sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count) acc += Load(x, i);
            sum = Vector.Sum(acc);
        }
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }

    /// <summary>g[i] = 0 where activation[i] is not positive:
    /// ReLU's derivative, read off its output.</summary>
    public static void MaskByPositive(Span<float> g, ReadOnlySpan<float> activation)
    {
        int i = 0, n = g.Length;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                Store(Vector.ConditionalSelect(Vector.GreaterThan(Load(activation, i), Vector<float>.Zero), Load(g, i), Vector<float>.Zero), g, i);
        }
        for (; i < n; i++)
            if (!(activation[i] > 0f)) g[i] = 0f;
    }

    /// <summary>destination += scale * source (same length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(Span<float> destination, ReadOnlySpan<float> source, float scale)
    {
        int i = 0, n = destination.Length;
        if (Vector.IsHardwareAccelerated)
        {
            var k = new Vector<float>(scale);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                Store(Load(destination, i) + k * Load(source, i), destination, i);
        }
        for (; i < n; i++) destination[i] += scale * source[i];
    }

    /// <summary>Bit i set where row[i] is nonzero, for rows of
    /// at most 64 elements (one compare per vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong NonzeroMask(ReadOnlySpan<float> row)
    {
        if (row.Length > 64) throw new ArgumentException($"rows of at most 64 elements, not {row.Length}", nameof(row));
        ulong mask = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var r = ref MemoryMarshal.GetReference(row);
            for (; i <= row.Length - 8; i += 8)
                mask |= (ulong)(~Vector256.Equals(Vector256.LoadUnsafe(ref r, (nuint)i), Vector256<float>.Zero)).ExtractMostSignificantBits() << i;
        }
        for (; i < row.Length; i++)
            if (row[i] != 0) mask |= 1UL << i;
        return mask;
    }

    /// <summary>
    /// destination [cols, rows] = source [rows, cols]^T (both dense row-major), optionally with ReLU applied
    /// on the way. 8x8 blocks go through AVX2 registers; edges are scalar.
    /// </summary>
    public static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int cols, bool relu = false)
    {
        if (source.Length < rows * cols || destination.Length < rows * cols) throw new ArgumentException("buffers are smaller than rows x cols");
        int fullRows = 0, fullCols = 0;
        if (Avx.IsSupported)
        {
            fullRows = rows & ~7;
            fullCols = cols & ~7;
            ref var src = ref MemoryMarshal.GetReference(source);
            ref var dst = ref MemoryMarshal.GetReference(destination);
            for (int r = 0; r < fullRows; r += 8)
                for (int c = 0; c < fullCols; c += 8)
                    Transpose8x8(ref Unsafe.Add(ref src, r * cols + c), cols, ref Unsafe.Add(ref dst, c * rows + r), rows, relu);
        }
        // The scalar edges: columns beyond the blocks in block rows, and the rows below them
        for (int r = 0; r < rows; r++)
            for (int c = r < fullRows ? fullCols : 0; c < cols; c++)
            {
                var v = source[r * cols + c];
                destination[c * rows + r] = relu ? MathF.Max(v, 0f) : v;
            }
    }

    /// <summary>One 8x8 block: reads 8 rows of 8 floats (stride
    /// <paramref name="sourceStride"/>) and writes them as 8 columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(ref float source, int sourceStride, ref float destination, int destinationStride, bool relu)
    {
        var r0 = Row(ref source, 0, sourceStride, relu);
        var r1 = Row(ref source, 1, sourceStride, relu);
        var r2 = Row(ref source, 2, sourceStride, relu);
        var r3 = Row(ref source, 3, sourceStride, relu);
        var r4 = Row(ref source, 4, sourceStride, relu);
        var r5 = Row(ref source, 5, sourceStride, relu);
        var r6 = Row(ref source, 6, sourceStride, relu);
        var r7 = Row(ref source, 7, sourceStride, relu);
        // Interleave pairs of rows, then pairs of pairs within each 128-bit lane, then swap lanes.
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Put(ref destination, 0, destinationStride, Avx.Permute2x128(u0, u4, 0x20));
        Put(ref destination, 1, destinationStride, Avx.Permute2x128(u1, u5, 0x20));
        Put(ref destination, 2, destinationStride, Avx.Permute2x128(u2, u6, 0x20));
        Put(ref destination, 3, destinationStride, Avx.Permute2x128(u3, u7, 0x20));
        Put(ref destination, 4, destinationStride, Avx.Permute2x128(u0, u4, 0x31));
        Put(ref destination, 5, destinationStride, Avx.Permute2x128(u1, u5, 0x31));
        Put(ref destination, 6, destinationStride, Avx.Permute2x128(u2, u6, 0x31));
        Put(ref destination, 7, destinationStride, Avx.Permute2x128(u3, u7, 0x31));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector256<float> Row(ref float start, int row, int stride, bool relu)
    {
        var v = Vector256.LoadUnsafe(ref start, (nuint)(row * stride));
        return relu ? Avx.Max(v, Vector256<float>.Zero) : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Put(ref float start, int row, int stride, Vector256<float> value) => value.StoreUnsafe(ref start, (nuint)(row * stride));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<float> Load(ReadOnlySpan<float> s, int i) =>
        Unsafe.ReadUnaligned<Vector<float>>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(s), i)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(Vector<float> v, Span<float> s, int i) =>
        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(s), i)), v);
}
