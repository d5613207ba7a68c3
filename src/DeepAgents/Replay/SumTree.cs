using Research.Random;

namespace Research.DeepAgents.Replay;

/// <summary>
/// A sum tree over <see cref="Capacity"/> non-negative priorities (Schaul et al. 2016, "Prioritized
/// experience replay", appendix B.2.1): an implicit binary heap in one array of 2P doubles, P the
/// smallest power of two &gt;= capacity; node 1 is the root, node k has children 2k and 2k+1, leaf i is
/// node P + i (leaves past the capacity stay 0). <see cref="Set"/> rewrites the path from a leaf to the
/// root, each parent recomputed as left + right (never by adding a difference, so sums do not drift),
/// and <see cref="Find"/> descends from the root: both O(log n). Also keeps Dopamine's
/// <c>max_recorded_priority</c> (starts at 1, never decreases), the priority new items get.
/// Set, Find and SampleStratified never allocate.
/// </summary>
public sealed class SumTree
{
    readonly double[] _nodes;
    readonly int _leaves; // P

    /// <summary>An all-zero tree over <paramref name="capacity"/> leaves.</summary>
    public SumTree(int capacity)
    {
        if (capacity < 1 || capacity > (1 << 29))
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"sum tree capacity must be in 1..{1 << 29}");
        Capacity = capacity;
        _leaves = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity);
        _nodes = new double[2 * _leaves];
    }

    /// <summary>Number of leaves (items).</summary>
    public int Capacity { get; }

    /// <summary>Sum of all priorities (the root).</summary>
    public double Total => _nodes[1];

    /// <summary>The largest priority ever set, at least 1 (Dopamine's
    /// <c>max_recorded_priority</c>).</summary>
    public double MaxRecordedPriority { get; private set; } = 1.0;

    /// <summary>The priority of item <paramref name="index"/>.</summary>
    public double Get(int index)
    {
        CheckIndex(index);
        return _nodes[_leaves + index];
    }

    /// <summary>Sets the priority of item <paramref name="index"/> (a
    /// finite number &gt;= 0) and updates the sums above it.</summary>
    public void Set(int index, double priority)
    {
        CheckIndex(index);
        if (!(priority >= 0) || !double.IsFinite(priority))
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "priority must be a finite number >= 0");
        if (priority > MaxRecordedPriority) MaxRecordedPriority = priority;
        int node = _leaves + index;
        _nodes[node] = priority;
        for (node >>= 1; node >= 1; node >>= 1)
            _nodes[node] = _nodes[2 * node] + _nodes[2 * node + 1];
    }

    /// <summary>
    /// The item whose cumulative interval [sum_{j&lt;i} p_j, sum_{j&lt;=i} p_j) contains
    /// <paramref name="prefix"/>, for 0 &lt;= prefix &lt; <see cref="Total"/>. Never returns a zero-priority
    /// item: a prefix at or past the total (rounding) gives the last item with positive priority.
    /// </summary>
    /// <exception cref="InvalidOperationException">The total is 0.</exception>
    public int Find(double prefix)
    {
        if (!(prefix >= 0) || double.IsNaN(prefix))
            throw new ArgumentOutOfRangeException(nameof(prefix), prefix, "prefix must be a number >= 0");
        if (!(_nodes[1] > 0))
            throw new InvalidOperationException("Cannot search a sum tree whose total priority is 0.");
        var nodes = _nodes;
        int node = 1;
        while (node < _leaves)
        {
            int left = 2 * node;
            double leftSum = nodes[left];
            if (prefix < leftSum) node = left;
            else if (nodes[left + 1] > 0)
            {
                prefix -= leftSum;
                node = left + 1;
            }
            // Else prefix reached this subtree's total through rounding: stay in the positive part.
            else node = left;
        }
        return node - _leaves;
    }

    /// <summary>
    /// Stratified sampling (Schaul et al. 2016; Dopamine's <c>stratified_sample</c>): the total is split into
    /// <c>destination.Length</c> equal strata and one item is drawn per stratum, stratum k getting the prefix
    /// (k + U) Total / B with U uniform in [0, 1) from <paramref name="random"/>.
    /// </summary>
    public void SampleStratified(Xoshiro256 random, Span<int> destination)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(_nodes[1] > 0))
            throw new InvalidOperationException("Cannot sample from a sum tree whose total priority is 0.");
        double total = _nodes[1];
        int strata = destination.Length;
        for (int k = 0; k < strata; k++)
            destination[k] = Find((k + random.NextDouble()) * total / strata);
    }

    /// <summary>Sets every priority to 0 (the recorded maximum is kept).</summary>
    public void Clear() => Array.Clear(_nodes);

    const int FormatVersion = 1;

    /// <summary>Writes the capacity, the recorded maximum and all leaf priorities.</summary>
    public void Save(BinaryWriter writer)
    {
        StateHeader.Write(writer, FormatVersion, Capacity);
        writer.Write(MaxRecordedPriority);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_nodes.AsSpan(_leaves, Capacity)));
    }

    /// <summary>Restores a tree written by <see cref="Save"/> (same
    /// capacity); inner sums are recomputed bottom-up.</summary>
    public void Load(BinaryReader reader)
    {
        StateHeader.Read(reader, "sum tree", "capacity", FormatVersion, Capacity);
        MaxRecordedPriority = reader.ReadDouble();
        Array.Clear(_nodes);
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_nodes.AsSpan(_leaves, Capacity)));
        for (int node = _leaves - 1; node >= 1; node--)
            _nodes[node] = _nodes[2 * node] + _nodes[2 * node + 1];
    }

    void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Capacity)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"sum tree index must be in 0..{Capacity - 1}");
    }
}
