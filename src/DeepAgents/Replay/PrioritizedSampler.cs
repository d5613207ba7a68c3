using Research.Random;

namespace Research.DeepAgents.Replay;

/// <summary>
/// Prioritized (or stratified uniform) sampling of n-step transitions from a replay ring, with a
/// <see cref="SumTree"/> over its slots (Schaul et al. 2016; Dopamine's prioritized replay as used by
/// compact Rainbow). The tree holds a positive priority exactly for the sampleable slots (those with
/// a fully written n-step window and an intact observation history; <see cref="NStepReturns"/>) and 0
/// elsewhere, so P(i) = p_i / total is the true sampling probability. A slot enters at the largest
/// priority recorded so far (1 at the start) when it becomes sampleable and leaves when it is overwritten.
/// <para>Call <see cref="Sync"/> after every write to the ring (each BeginEpisode and Add); then
/// <see cref="Sample(NStepBatch)"/> and, with the per-sample losses of that batch,
/// <see cref="UpdatePriorities"/>. Nothing here allocates after construction.</para>
/// </summary>
public sealed class PrioritizedSampler
{
    readonly ITransitionRing _ring;
    readonly NStepReturns _nStep;
    readonly SumTree _tree;
    readonly bool[] _sampleable;
    readonly Xoshiro256 _random;
    int _seenCursor;
    int _seenCount;
    int _sampleableCount;

    /// <summary>A sampler over <paramref name="ring"/> (empty or not) with
    /// draws from a stream seeded by <paramref name="seed"/>.</summary>
    public PrioritizedSampler(ITransitionRing ring, NStepReturns nStep, PrioritizedReplayConfig config, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(nStep);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _ring = ring;
        _nStep = nStep;
        Config = config;
        _tree = new SumTree(ring.Capacity);
        _sampleable = new bool[ring.Capacity];
        _random = new Xoshiro256(seed);
        Rebuild();
    }

    /// <summary>The sampling settings.</summary>
    public PrioritizedReplayConfig Config { get; }
    /// <summary>The n-step returns that define which slots are sampleable and fill batches.</summary>
    public NStepReturns NStep => _nStep;
    /// <summary>Number of slots that can be sampled now.</summary>
    public int SampleableCount => _sampleableCount;
    /// <summary>The priority tree (read it; the sampler owns the writes).</summary>
    public SumTree Tree => _tree;

    /// <summary>Whether <paramref name="slot"/> can be sampled now.</summary>
    public bool IsSampleable(int slot) => (uint)slot < (uint)_sampleable.Length && _sampleable[slot];

    /// <summary>The priority of <paramref name="slot"/> (0 when it is not sampleable).</summary>
    public double Priority(int slot) => _tree.Get(slot);

    /// <summary>P(slot) = p_slot / sum_j p_j, the probability
    /// that one draw returns <paramref name="slot"/>.</summary>
    public double Probability(int slot) => _tree.Total > 0 ? _tree.Get(slot) / _tree.Total : 0.0;

    /// <summary>
    /// Brings the tree up to date with the ring's writes since the last call. For each newly written slot w:
    /// w leaves (overwritten, and it has no transition yet); w+1..w+HistoryLength leave if their history
    /// is now overwritten; and every slot among w-1..w-n whose window just became complete enters at the
    /// maximum recorded priority. Call after every write: more
    /// than Capacity writes between calls are not detected.
    /// </summary>
    public void Sync()
    {
        int cursor = _ring.Cursor, count = _ring.Count;
        if (count < _seenCount)
            throw new InvalidOperationException($"the replay ring shrank from {_seenCount} to {count} slots; build a new sampler after loading or clearing the ring.");
        int capacity = _ring.Capacity;
        while (_seenCursor != cursor || _seenCount < count)
        {
            int w = _seenCursor;
            Remove(w);
            for (int j = 1; j <= _ring.HistoryLength; j++)
            {
                int s = (w + j) % capacity;
                if (_sampleable[s] && !_ring.HasTransition(s)) Remove(s);
            }
            for (int k = 1; k <= _nStep.N; k++)
            {
                int s = ((w - k) % capacity + capacity) % capacity;
                if (!_sampleable[s] && _nStep.IsSampleable(_ring, s)) Add(s, _tree.MaxRecordedPriority);
            }
            _seenCursor = w + 1 == capacity ? 0 : w + 1;
            if (_seenCount < count) _seenCount++;
        }
    }

    /// <summary>
    /// Recomputes the sampleable set from the ring (e.g. after the ring was loaded from a checkpoint without
    /// this sampler's state): every sampleable slot gets the maximum recorded priority.
    /// </summary>
    public void Rebuild()
    {
        _tree.Clear();
        Array.Clear(_sampleable);
        _sampleableCount = 0;
        for (int s = 0; s < _ring.Count; s++)
            if (_nStep.IsSampleable(_ring, s)) Add(s, _tree.MaxRecordedPriority);
        _seenCursor = _ring.Cursor;
        _seenCount = _ring.Count;
    }

    /// <summary>
    /// Draws <c>slots.Length</c> slots by stratified sampling on the priorities (one per equal stratum of the
    /// total) and writes each slot's loss weight (P(i) + offset)^(-beta), divided by the batch maximum.
    /// </summary>
    /// <exception cref="InvalidOperationException">No slot is sampleable.</exception>
    public void Sample(Span<int> slots, Span<float> weights)
    {
        if (weights.Length != slots.Length)
            throw new ArgumentException($"weights has {weights.Length} entries for {slots.Length} slots.", nameof(weights));
        if (_sampleableCount == 0)
            throw new InvalidOperationException("Cannot sample: no replay slot has a complete n-step window yet.");
        _tree.SampleStratified(_random, slots);
        double total = _tree.Total, max = 0;
        for (int i = 0; i < slots.Length; i++)
        {
            double w = Math.Pow(_tree.Get(slots[i]) / total + Config.ProbabilityOffset, -Config.Beta);
            weights[i] = (float)w;
            if (w > max) max = w;
        }
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)(weights[i] / max);
    }

    /// <summary>Samples slots and weights into <paramref name="batch"/>
    /// and fills its n-step transitions.</summary>
    public void Sample(NStepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Sample(batch.Slots, batch.Weights);
        _nStep.Fill(_ring, batch.Slots, batch);
    }

    /// <summary>
    /// Sets p_i = (loss_i + offset)^alpha for each sampled slot from its per-sample loss (Dopamine's Rainbow:
    /// sqrt(loss + 1e-10)); slots that stopped being sampleable since the draw are skipped, and a slot drawn
    /// twice keeps its last value. Does nothing when
    /// <see cref="PrioritizedReplayConfig.Prioritized"/> is false.
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, or a loss is negative or not finite.</exception>
    public void UpdatePriorities(ReadOnlySpan<int> slots, ReadOnlySpan<float> losses)
    {
        if (losses.Length != slots.Length)
            throw new ArgumentException($"losses has {losses.Length} entries for {slots.Length} slots.", nameof(losses));
        for (int i = 0; i < losses.Length; i++)
            if (!(losses[i] >= 0) || !float.IsFinite(losses[i]))
                throw new ArgumentException($"losses[{i}] = {losses[i]} must be a finite number >= 0.", nameof(losses));
        if (!Config.Prioritized) return;
        for (int i = 0; i < slots.Length; i++)
        {
            int slot = slots[i];
            if (!IsSampleable(slot)) continue;
            _tree.Set(slot, Math.Pow(losses[i] + Config.PriorityOffset, Config.Alpha));
        }
    }

    void Add(int slot, double priority)
    {
        _sampleable[slot] = true;
        _sampleableCount++;
        _tree.Set(slot, priority);
    }

    void Remove(int slot)
    {
        if (!_sampleable[slot]) return;
        _sampleable[slot] = false;
        _sampleableCount--;
        _tree.Set(slot, 0.0);
    }

    const int FormatVersion = 1;

    /// <summary>Writes the priorities, the sampleable set, the
    /// position in the ring and the sampling stream.</summary>
    public void Save(BinaryWriter writer)
    {
        StateHeader.Write(writer, FormatVersion, _sampleable.Length);
        writer.Write(_seenCursor);
        writer.Write(_seenCount);
        writer.Write(_sampleableCount);
        _random.Save(writer);
        _tree.Save(writer);
        writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_sampleable.AsSpan()));
    }

    /// <summary>Restores a state written by <see cref="Save"/> for
    /// a ring of the same capacity (load the ring first).</summary>
    public void Load(BinaryReader reader)
    {
        StateHeader.Read(reader, "prioritized sampler", "capacity", FormatVersion, _sampleable.Length);
        _seenCursor = reader.ReadInt32();
        _seenCount = reader.ReadInt32();
        _sampleableCount = reader.ReadInt32();
        _random.Load(reader);
        _tree.Load(reader);
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_sampleable.AsSpan()));
    }
}
