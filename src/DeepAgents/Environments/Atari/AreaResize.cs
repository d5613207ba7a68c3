namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// Exact area-averaging resize of an 8-bit grayscale image (docs/atari.md, "Resize"): each destination
/// pixel is the average of the source pixels it covers, each weighted by the overlap of its area with the
/// destination pixel's area. This is the definition of OpenCV's <c>INTER_AREA</c> for shrinking, which
/// Dopamine's preprocessing uses for 210 x 160 -> 84 x 84.
/// <para>Exactness: measured in units of 1/(dst) of a source pixel, source pixel k spans
/// [k * dst, (k + 1) * dst) and destination pixel j spans [j * src, (j + 1) * src), so every overlap is an
/// integer and a destination value is <c>sum(oy * ox * pixel) / (srcH * srcW)</c> with an integer numerator.
/// It is rounded to the nearest integer, ties to even (OpenCV rounds its float result with <c>cvRound</c>,
/// also ties to even; its float weights can differ from these exact ones in the last bits, so results can
/// differ by 1 where the exact value lies within float error of a .5 tie).</para>
/// <para><see cref="ResizeReference"/> is the plain definition; <see cref="Resize"/> is the accelerated path
/// (<see cref="AreaResizeAccelerated"/>, where the machine has AVX2),
/// which computes the same integers and is tested against it.</para>
/// Precomputed tables; neither path allocates.
/// </summary>
public sealed class AreaResize
{
    readonly AreaResizeAxis _rows, _columns;
    readonly int[] _columnSums; // destination rows x source columns: the reference's vertical pass
    readonly AreaResizeAccelerated? _accelerated; // null where the machine lacks AVX2

    /// <summary>A resize from <paramref name="sourceHeight"/> x
    /// <paramref name="sourceWidth"/> down to the destination size.</summary>
    /// <exception cref="ArgumentException">A size is below 1, a destination side is larger than the source
    /// side (this resize only shrinks), or the source exceeds 255 * H * W &lt; 2^31.</exception>
    public AreaResize(int sourceHeight, int sourceWidth, int destinationHeight, int destinationWidth)
    {
        _rows = new AreaResizeAxis(sourceHeight, destinationHeight, "height");
        _columns = new AreaResizeAxis(sourceWidth, destinationWidth, "width");
        if (255L * sourceHeight * sourceWidth > int.MaxValue)
            throw new ArgumentException(
                $"AreaResize: a {sourceHeight} x {sourceWidth} source is too large (255 * height * width must fit in 32 bits).", nameof(sourceHeight));
        _columnSums = new int[destinationHeight * sourceWidth];
        _accelerated = AreaResizeAccelerated.IsSupported ? new AreaResizeAccelerated(_rows, _columns) : null;
    }

    /// <summary>Source height.</summary>
    public int SourceHeight => _rows.Source;
    /// <summary>Source width.</summary>
    public int SourceWidth => _columns.Source;
    /// <summary>Destination height.</summary>
    public int DestinationHeight => _rows.Destination;
    /// <summary>Destination width.</summary>
    public int DestinationWidth => _columns.Destination;

    /// <summary>Whether <see cref="Resize"/> runs the accelerated path (x86 with AVX2); otherwise it runs the
    /// reference.</summary>
    public bool IsAccelerated => _accelerated is not null;

    /// <summary>Resizes row-major <paramref name="source"/> into row-major
    /// <paramref name="destination"/> (accelerated path).</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its image.</exception>
    public void Resize(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (_accelerated is null) { ResizeReference(source, destination); return; }
        CheckBuffers(source, destination);
        _accelerated.Resize(source, destination);
    }

    /// <summary>The same resize computed plainly from the
    /// definition: the reference for <see cref="Resize"/>.</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its image.</exception>
    public void ResizeReference(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        CheckBuffers(source, destination);
        int sw = _columns.Source, dh = _rows.Destination, dw = _columns.Destination;

        // Vertical pass, contiguous along rows: columnSums[i, c] = sum_r oy(i, r) * source[r, c].
        Span<int> columnSums = _columnSums;
        ReadOnlySpan<int> rowStart = _rows.Start, rowIndex = _rows.Index, rowOverlap = _rows.Overlap;
        for (int i = 0; i < dh; i++)
        {
            var acc = columnSums.Slice(i * sw, sw);
            acc.Clear();
            for (int t = rowStart[i]; t < rowStart[i + 1]; t++)
            {
                int weight = rowOverlap[t];
                var row = source.Slice(rowIndex[t] * sw, sw);
                for (int c = 0; c < acc.Length && c < row.Length; c++) acc[c] += weight * row[c];
            }
        }

        // Horizontal pass: numerator = sum_k ox(j, k) * columnSums[i, k]; value = numerator / (sh * sw).
        ReadOnlySpan<int> columnStart = _columns.Start, columnIndex = _columns.Index, columnOverlap = _columns.Overlap;
        int denominator = _rows.Source * sw;
        for (int i = 0; i < dh; i++)
        {
            var acc = columnSums.Slice(i * sw, sw);
            var output = destination.Slice(i * dw, dw);
            for (int j = 0; j < output.Length; j++)
            {
                int numerator = 0;
                for (int t = columnStart[j]; t < columnStart[j + 1]; t++)
                    numerator += columnOverlap[t] * acc[columnIndex[t]];
                output[j] = (byte)RoundHalfToEven(numerator, denominator);
            }
        }
    }

    /// <summary>numerator / denominator (both &gt;= 0, denominator
    /// &gt; 0) rounded to the nearest integer, ties to even.</summary>
    public static int RoundHalfToEven(int numerator, int denominator)
    {
        int quotient = Math.DivRem(numerator, denominator, out int remainder);
        int twice = 2 * remainder;
        if (twice > denominator || (twice == denominator && (quotient & 1) == 1)) quotient++;
        return quotient;
    }

    void CheckBuffers(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int sh = _rows.Source, sw = _columns.Source, dh = _rows.Destination, dw = _columns.Destination;
        if (source.Length < sh * sw)
            throw new ArgumentException($"Source buffer has {source.Length} bytes; a {sh} x {sw} image needs {sh * sw}.", nameof(source));
        if (destination.Length < dh * dw)
            throw new ArgumentException($"Destination buffer has {destination.Length} bytes; a {dh} x {dw} image needs {dh * dw}.", nameof(destination));
    }
}
