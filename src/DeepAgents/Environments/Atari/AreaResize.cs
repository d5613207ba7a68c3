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
/// Precomputed tables; <see cref="Resize"/> never allocates.
/// </summary>
public sealed class AreaResize
{
    readonly AxisWeights _rows, _columns;
    readonly int[] _columnSums; // destination rows x source columns: the vertical pass

    /// <summary>A resize from <paramref name="sourceHeight"/> x <paramref name="sourceWidth"/> down to the destination size.</summary>
    /// <exception cref="ArgumentException">A size is below 1, a destination side is larger than the source side (this resize only shrinks), or the source exceeds 255 * H * W &lt; 2^31.</exception>
    public AreaResize(int sourceHeight, int sourceWidth, int destinationHeight, int destinationWidth)
    {
        _rows = new AxisWeights(sourceHeight, destinationHeight, "height");
        _columns = new AxisWeights(sourceWidth, destinationWidth, "width");
        if (255L * sourceHeight * sourceWidth > int.MaxValue)
            throw new ArgumentException(
                $"AreaResize: a {sourceHeight} x {sourceWidth} source is too large (255 * height * width must fit in 32 bits).", nameof(sourceHeight));
        _columnSums = new int[destinationHeight * sourceWidth];
    }

    /// <summary>Source height.</summary>
    public int SourceHeight => _rows.Source;
    /// <summary>Source width.</summary>
    public int SourceWidth => _columns.Source;
    /// <summary>Destination height.</summary>
    public int DestinationHeight => _rows.Destination;
    /// <summary>Destination width.</summary>
    public int DestinationWidth => _columns.Destination;

    /// <summary>Resizes row-major <paramref name="source"/> into row-major <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">A buffer is shorter than its image.</exception>
    public void Resize(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int sh = _rows.Source, sw = _columns.Source, dh = _rows.Destination, dw = _columns.Destination;
        if (source.Length < sh * sw)
            throw new ArgumentException($"Source buffer has {source.Length} bytes; a {sh} x {sw} image needs {sh * sw}.", nameof(source));
        if (destination.Length < dh * dw)
            throw new ArgumentException($"Destination buffer has {destination.Length} bytes; a {dh} x {dw} image needs {dh * dw}.", nameof(destination));

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
        int denominator = sh * sw;
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

    /// <summary>numerator / denominator (both &gt;= 0, denominator &gt; 0) rounded to the nearest integer, ties to even.</summary>
    public static int RoundHalfToEven(int numerator, int denominator)
    {
        int quotient = Math.DivRem(numerator, denominator, out int remainder);
        int twice = 2 * remainder;
        if (twice > denominator || (twice == denominator && (quotient & 1) == 1)) quotient++;
        return quotient;
    }

    /// <summary>
    /// For each destination index d along one axis: the source indices it overlaps and the integer overlaps,
    /// in units where a source pixel is <c>destination</c> long and a destination pixel <c>source</c> long.
    /// Entries of d are <c>Start[d] .. Start[d + 1] - 1</c>.
    /// </summary>
    sealed class AxisWeights
    {
        public readonly int Source, Destination;
        public readonly int[] Start, Index, Overlap;

        public AxisWeights(int source, int destination, string axis)
        {
            if (source < 1 || destination < 1)
                throw new ArgumentException($"AreaResize {axis}: sizes must be >= 1, got source {source} and destination {destination}.", axis);
            if (destination > source)
                throw new ArgumentException($"AreaResize {axis}: destination {destination} is larger than source {source}; area averaging here only shrinks.", axis);
            Source = source;
            Destination = destination;
            Start = new int[destination + 1];
            var index = new List<int>();
            var overlap = new List<int>();
            for (int d = 0; d < destination; d++)
            {
                Start[d] = index.Count;
                long lo = (long)d * source, hi = (long)(d + 1) * source; // destination pixel d in these units
                for (int k = (int)(lo / destination); k < source && (long)k * destination < hi; k++)
                {
                    long o = Math.Min(hi, (long)(k + 1) * destination) - Math.Max(lo, (long)k * destination);
                    if (o > 0) { index.Add(k); overlap.Add((int)o); }
                }
            }
            Start[destination] = index.Count;
            Index = [.. index];
            Overlap = [.. overlap];
        }
    }
}
