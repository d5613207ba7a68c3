using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// The accelerated path of <see cref="AreaResize"/> (x86 with AVX2): the same integer numerators
/// <c>sum(oy * ox * pixel)</c> and the same round-half-to-even division by <c>srcH * srcW</c> as
/// <see cref="AreaResize.ResizeReference"/>, computed on 8 x 8 blocks of 32-bit lanes. Both passes run along
/// contiguous memory, as the vertical pass's results are stored transposed:
/// (1) vertical: <c>sumsT[c, i] = sum_r oy(i, r) * source[r, c]</c>, 8 columns of 8 destination rows at a
/// time, transposed in registers; (2) horizontal:
/// <c>numerator[i, j] = sum_t ox(j, t) * sumsT[first(j) + t, i]</c>
/// with a fixed number of taps per destination column (zero weights pad the shorter ones), 8 rows at a time,
/// transposed back; (3) the exact rounded quotient from a float estimate corrected with the integer
/// remainder. Destination sides are padded to multiples of
/// 8 inside the buffers; the padding carries zero weights.
/// </summary>
sealed class AreaResizeAccelerated
{
    const int Lanes = 8; // 32-bit lanes of a 256-bit vector; the block side

    readonly int _sourceWidth, _destinationHeight, _destinationWidth;
    // Destination sides rounded up to multiples of 8.
    readonly int _rowsPadded, _columnsPadded;
    // Source rows per destination row, columns per column, padded.
    readonly int _rowTaps, _columnTaps;
    // Destination row i, tap t at i * _rowTaps + t: r * srcW, oy(i, r).
    readonly int[] _rowOffset, _rowWeight;
    // Per destination column j: first(j) * _rowsPadded, a row of sumsT.
    readonly int[] _columnOffset;
    // ox(j, first(j) + t) at j * _columnTaps + t.
    readonly int[] _columnWeight;
    // (srcW + _columnTaps - 1) x _rowsPadded: vertical pass, transposed.
    readonly int[] _sumsT;
    // srcH * srcW, and its inverse for the quotient's estimate (float).
    readonly int _denominator;
    readonly float _inverse;

    /// <summary>Whether this machine runs the accelerated path (else <see cref="AreaResize"/> runs the
    /// reference).</summary>
    public static bool IsSupported => Avx2.IsSupported;

    public AreaResizeAccelerated(AreaResizeAxis rows, AreaResizeAxis columns)
    {
        _sourceWidth = columns.Source;
        _destinationHeight = rows.Destination;
        _destinationWidth = columns.Destination;
        _rowsPadded = RoundUp(_destinationHeight);
        _columnsPadded = RoundUp(_destinationWidth);
        _rowTaps = rows.MaxTaps;
        _columnTaps = columns.MaxTaps;
        // Padded taps (and the padding rows and columns) have weight 0 at offset 0, a valid place to read.
        _rowOffset = new int[_rowsPadded * _rowTaps];
        _rowWeight = new int[_rowsPadded * _rowTaps];
        for (int i = 0; i < _destinationHeight; i++)
            for (int t = rows.Start[i]; t < rows.Start[i + 1]; t++)
            {
                _rowOffset[i * _rowTaps + t - rows.Start[i]] = rows.Index[t] * _sourceWidth;
                _rowWeight[i * _rowTaps + t - rows.Start[i]] = rows.Overlap[t];
            }
        _columnOffset = new int[_columnsPadded];
        _columnWeight = new int[_columnsPadded * _columnTaps];
        for (int j = 0; j < _destinationWidth; j++)
        {
            _columnOffset[j] = columns.Index[columns.Start[j]] * _rowsPadded;
            for (int t = columns.Start[j]; t < columns.Start[j + 1]; t++)
                _columnWeight[j * _columnTaps + t - columns.Start[j]] = columns.Overlap[t];
        }
        _sumsT = new int[(_sourceWidth + _columnTaps - 1) * _rowsPadded];
        _denominator = rows.Source * columns.Source;
        _inverse = 1f / _denominator;
    }

    static int RoundUp(int n) => (n + Lanes - 1) / Lanes * Lanes;

    /// <summary>Buffers already checked by <see cref="AreaResize.Resize"/>.</summary>
    public void Resize(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        VerticalPass(source);
        HorizontalPass(destination);
    }

    /// <summary>sumsT[c, i] = sum_r oy(i, r) * source[r, c]: 8 x 8 blocks, then the columns past the last
    /// block.</summary>
    void VerticalPass(ReadOnlySpan<byte> source)
    {
        int sw = _sourceWidth, vectorEnd = sw - sw % Lanes;
        ref int sumsT = ref MemoryMarshal.GetArrayDataReference(_sumsT);
        Span<Vector256<int>> block = stackalloc Vector256<int>[Lanes];
        for (int i0 = 0; i0 < _rowsPadded; i0 += Lanes)
            for (int c = 0; c < vectorEnd; c += Lanes)
            {
                for (int m = 0; m < Lanes; m++) block[m] = ColumnSums(source, i0 + m, c);
                Transpose(block);
                for (int m = 0; m < Lanes; m++) block[m].StoreUnsafe(ref sumsT, (nuint)((c + m) * _rowsPadded + i0));
            }
        for (int c = vectorEnd; c < sw; c++)
            for (int i = 0; i < _destinationHeight; i++)
            {
                int sum = 0;
                for (int t = i * _rowTaps; t < (i + 1) * _rowTaps; t++) sum += _rowWeight[t] * source[_rowOffset[t] + c];
                _sumsT[c * _rowsPadded + i] = sum;
            }
    }

    /// <summary>
    /// sum_r oy(i, r) * source[r, c .. c + 7] in 8 lanes. In bounds without checks: the offsets are rows of
    /// the source (checked to hold srcH * srcW bytes) and c + 8 &lt;= srcW.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector256<int> ColumnSums(ReadOnlySpan<byte> source, int i, int c)
    {
        ref byte first = ref Unsafe.Add(ref MemoryMarshal.GetReference(source), c);
        ref int offset = ref MemoryMarshal.GetArrayDataReference(_rowOffset);
        ref int weight = ref MemoryMarshal.GetArrayDataReference(_rowWeight);
        var sum = Vector256<int>.Zero;
        for (int t = i * _rowTaps, end = t + _rowTaps; t < end; t++)
        {
            ulong eight = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, Unsafe.Add(ref offset, t)));
            sum += Vector256.Create(Unsafe.Add(ref weight, t)) * Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(eight).AsByte());
        }
        return sum;
    }

    /// <summary>destination[i, j] = round(sum_t ox(j, t) * sumsT[first(j) + t, i] / denominator), ties to
    /// even; 8 x 8 blocks.</summary>
    void HorizontalPass(Span<byte> destination)
    {
        int dh = _destinationHeight, dw = _destinationWidth;
        var denominator = Vector256.Create(_denominator);
        var inverse = Vector256.Create(_inverse);
        Span<Vector256<int>> block = stackalloc Vector256<int>[Lanes];
        for (int i0 = 0; i0 < _rowsPadded; i0 += Lanes)
            for (int j0 = 0; j0 < _columnsPadded; j0 += Lanes)
            {
                for (int m = 0; m < Lanes; m++) block[m] = DivideRoundHalfToEven(Numerators(j0 + m, i0), denominator, inverse);
                Transpose(block);
                int count = Math.Min(Lanes, dw - j0); // destination columns of this block
                for (int m = 0; m < Lanes && i0 + m < dh; m++)
                {
                    // 8 values 0..255 -> 8 bytes, in order
                    var shorts = Vector256.Narrow(block[m], block[m]);
                    ulong eight = Vector256.Narrow(shorts, shorts).AsUInt64().ToScalar();
                    var output = destination.Slice((i0 + m) * dw + j0, count);
                    if (count == Lanes) MemoryMarshal.Write(output, in eight);
                    else for (int k = 0; k < count; k++) output[k] = (byte)(eight >> (8 * k));
                }
            }
    }

    /// <summary>sum_t ox(j, t) * sumsT[first(j) + t, i .. i + 7] in 8 lanes (in bounds: sumsT has the padding
    /// rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Vector256<int> Numerators(int j, int i)
    {
        ref int sumsT = ref MemoryMarshal.GetArrayDataReference(_sumsT);
        ref int weight = ref MemoryMarshal.GetArrayDataReference(_columnWeight);
        nuint row = (nuint)(_columnOffset[j] + i);
        var sum = Vector256<int>.Zero;
        for (int t = j * _columnTaps, end = t + _columnTaps; t < end; t++, row += (nuint)_rowsPadded)
            sum += Vector256.Create(Unsafe.Add(ref weight, t)) * Vector256.LoadUnsafe(ref sumsT, row);
        return sum;
    }

    /// <summary>
    /// <see cref="AreaResize.RoundHalfToEven"/>(n, denominator) per lane. The float estimate of n / d is
    /// within 255 * 3 * 2^-24 of the quotient (n &lt;= 255 d), so its truncation is floor(n / d) or one off,
    /// which the integer remainder r = n - q d then corrects (r &lt; 0: one less; r &gt;= d: one more).
    /// Needs 0 &lt;= n &lt;= 255 d &lt; 2^31 and <paramref name="inverse"/> = (float)(1 / d) in every lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> DivideRoundHalfToEven(Vector256<int> n, Vector256<int> d, Vector256<float> inverse)
    {
        var q = Vector256.ConvertToInt32(Vector256.ConvertToSingle(n) * inverse);
        var r = n - q * d;
        var below = Vector256.ShiftRightArithmetic(r, 31); // all ones where r < 0
        q += below;
        r += below & d;
        var above = Vector256.GreaterThanOrEqual(r, d);     // all ones where r >= d
        q -= above;
        r -= above & d;
        // up iff 2r > d, or 2r = d and q is odd: iff 2 (2r - d) + (q & 1) > 0, i.e. its negation is negative
        var v = ((r + r - d) << 1) + (q & Vector256<int>.One);
        return q + Vector256.ShiftRightLogical(-v, 31);
    }

    /// <summary>Transposes 8 rows of 8 lanes in place (32-bit, then 64-bit interleaves, then 128-bit
    /// halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose(Span<Vector256<int>> rows)
    {
        var t0 = Avx2.UnpackLow(rows[0], rows[1]).AsInt64();
        var t1 = Avx2.UnpackHigh(rows[0], rows[1]).AsInt64();
        var t2 = Avx2.UnpackLow(rows[2], rows[3]).AsInt64();
        var t3 = Avx2.UnpackHigh(rows[2], rows[3]).AsInt64();
        var t4 = Avx2.UnpackLow(rows[4], rows[5]).AsInt64();
        var t5 = Avx2.UnpackHigh(rows[4], rows[5]).AsInt64();
        var t6 = Avx2.UnpackLow(rows[6], rows[7]).AsInt64();
        var t7 = Avx2.UnpackHigh(rows[6], rows[7]).AsInt64();
        var u0 = Avx2.UnpackLow(t0, t2).AsInt32();  // lanes 0 | 4 of rows 0-3
        var u1 = Avx2.UnpackHigh(t0, t2).AsInt32(); // lanes 1 | 5
        var u2 = Avx2.UnpackLow(t1, t3).AsInt32();  // lanes 2 | 6
        var u3 = Avx2.UnpackHigh(t1, t3).AsInt32(); // lanes 3 | 7
        var u4 = Avx2.UnpackLow(t4, t6).AsInt32();  // the same of rows 4-7
        var u5 = Avx2.UnpackHigh(t4, t6).AsInt32();
        var u6 = Avx2.UnpackLow(t5, t7).AsInt32();
        var u7 = Avx2.UnpackHigh(t5, t7).AsInt32();
        rows[0] = Avx2.Permute2x128(u0, u4, 0x20);
        rows[1] = Avx2.Permute2x128(u1, u5, 0x20);
        rows[2] = Avx2.Permute2x128(u2, u6, 0x20);
        rows[3] = Avx2.Permute2x128(u3, u7, 0x20);
        rows[4] = Avx2.Permute2x128(u0, u4, 0x31);
        rows[5] = Avx2.Permute2x128(u1, u5, 0x31);
        rows[6] = Avx2.Permute2x128(u2, u6, 0x31);
        rows[7] = Avx2.Permute2x128(u3, u7, 0x31);
    }
}
