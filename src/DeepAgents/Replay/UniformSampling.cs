namespace Research.DeepAgents.Replay;
using Research.Random;

/// <summary>
/// Uniform minibatches (s, a, r, terminal, s') from any <see cref="ITransitionRing"/>: a slot is drawn
/// uniformly among the written slots and redrawn while it holds no (rebuildable) transition; s is the slot's
/// observation and s' the next slot's (for a <see cref="FrameStackReplay"/> both are stacks rebuilt from
/// single frames, zeros before the episode's start). Never allocates.
/// </summary>
public static class UniformSampling
{
    /// <summary>Fills <paramref name="batch"/> with transitions drawn
    /// uniformly (with replacement) using <paramref name="random"/>.</summary>
    public static void Sample(ITransitionRing ring, Xoshiro256 random, ReplayBatch batch)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.ObservationSize != ring.ObservationSize)
            throw new ArgumentException($"batch observation size {batch.ObservationSize} differs from the replay's {ring.ObservationSize}.", nameof(batch));
        if (!AnyTransition(ring))
            throw new InvalidOperationException("Cannot sample from a replay buffer without transitions.");
        for (int b = 0; b < batch.Size; b++)
        {
            int slot;
            do slot = random.NextInt(ring.Count);
            while (!ring.HasTransition(slot));
            batch.Slots[b] = slot;
            CopyTransition(ring, slot, batch, b);
        }
    }

    /// <summary>Copies the transition stored at <paramref name="slot"/> into
    /// row <paramref name="row"/> of <paramref name="batch"/>.</summary>
    public static void CopyTransition(ITransitionRing ring, int slot, ReplayBatch batch, int row)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(batch);
        if (!ring.HasTransition(slot))
            throw new ArgumentOutOfRangeException(nameof(slot), slot, "slot holds no transition");
        int size = ring.ObservationSize;
        int next = slot + 1 == ring.Capacity ? 0 : slot + 1;
        ring.CopyObservation(slot, batch.Observations.AsSpan(row * size, size));
        ring.CopyObservation(next, batch.NextObservations.AsSpan(row * size, size));
        batch.Actions[row] = ring.ActionAt(slot);
        batch.Rewards[row] = ring.RewardAt(slot);
        batch.Terminals[row] = ring.TerminatedAt(slot) ? 1f : 0f;
    }

    // The ring holds a sampleable transition (the redraw loop would not end otherwise).
    static bool AnyTransition(ITransitionRing ring)
    {
        // Only the HistoryLength oldest transitions can have lost
        // their frame history, so more than that means one is intact.
        if (ring is IReplayRing stored && stored.TransitionCount > stored.HistoryLength) return true;
        for (int s = 0; s < ring.Count; s++)
            if (ring.HasTransition(s)) return true;
        return false;
    }
}
