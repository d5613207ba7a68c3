namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// One axis of <see cref="AreaResize"/>: for each destination index d, the source indices it overlaps and the
/// integer overlaps, in units where a source pixel is <c>destination</c> long and a destination pixel
/// <c>source</c> long (so the overlaps of d sum to <c>source</c>). Entries of d are
/// <c>Start[d] .. Start[d + 1] - 1</c>, with consecutive source indices from <c>Index[Start[d]]</c>.
/// </summary>
sealed class AreaResizeAxis
{
    public readonly int Source, Destination;
    public readonly int[] Start, Index, Overlap;

    public AreaResizeAxis(int source, int destination, string axis)
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

    /// <summary>The largest number of source indices one destination index overlaps.</summary>
    public int MaxTaps
    {
        get
        {
            int most = 0;
            for (int d = 0; d < Destination; d++) most = Math.Max(most, Start[d + 1] - Start[d]);
            return most;
        }
    }
}
