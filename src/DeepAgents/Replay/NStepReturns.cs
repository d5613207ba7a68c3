namespace Research.DeepAgents.Replay;

/// <summary>
/// n-step returns read from a replay ring (Sutton and Barto 2018, section 7.1; Rainbow's multi-step
/// target, Hessel et al. 2018): r^(n)_t = sum_{k&lt;n} gamma^k r_{t+k}, bootstrapped with gamma^n from
/// s_{t+n}. The window is cut short at the end of an episode:
/// <list type="bullet">
/// <item>termination at step t+k-1 (k &lt;= n): m = k rewards, discount 0 (no bootstrap);</item>
/// <item>truncation (a time limit: the episode's last slot has no transition and no terminal flag) after
/// m &lt; n steps: m rewards, bootstrap from the final observation with gamma^m, because the state was
/// not terminal and its value still counts.</item>
/// </list>
/// A slot is sampleable only when its window is fully written: it has a transition and, walking forward,
/// either n transitions follow, or a terminal comes first, or the episode's last slot comes first and is
/// not the newest slot of the ring (the newest slot may still be followed by more steps of an open
/// episode; it is known to end an episode only once the next episode's first slot is written).
/// Walking forward from a stored slot never reaches overwritten data: the walk stops at the newest slot at
/// the latest. Wrap-around is handled by ring arithmetic.
/// </summary>
public sealed class NStepReturns
{
    /// <summary>n-step returns with horizon <paramref name="n"/>
    /// and discount <paramref name="gamma"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 1 or gamma outside [0, 1].</exception>
    public NStepReturns(int n, double gamma)
    {
        if (n < 1)
            throw new ArgumentOutOfRangeException(nameof(n), n, "update horizon n must be at least 1");
        if (!(gamma >= 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in [0, 1]");
        N = n;
        Gamma = gamma;
    }

    /// <summary>The update horizon n (Dopamine's <c>update_horizon</c>; Rainbow uses 3).</summary>
    public int N { get; }
    /// <summary>The discount gamma.</summary>
    public double Gamma { get; }

    /// <summary>
    /// Reads the n-step transition starting at <paramref name="slot"/>; false when the slot is not sampleable
    /// (no transition, or its window is not fully written yet).
    /// </summary>
    public bool TryGet(ITransitionRing ring, int slot, out NStepTransition transition)
    {
        ArgumentNullException.ThrowIfNull(ring);
        transition = default;
        if (!ring.HasTransition(slot)) return false;
        int capacity = ring.Capacity;
        int newest = ring.Cursor == 0 ? capacity - 1 : ring.Cursor - 1;
        double total = 0, discount = 1;
        int s = slot;
        for (int k = 0; k < N; k++)
        {
            if (!ring.HasTransition(s))
            {
                // The episode's last slot before n steps: a truncation,
                // unless it is the newest slot of an open episode.
                if (s == newest) return false;
                transition = new NStepTransition(slot, s, k, false, total, discount);
                return true;
            }
            total += discount * ring.RewardAt(s);
            discount *= Gamma;
            bool terminal = ring.TerminatedAt(s);
            s = s + 1 == capacity ? 0 : s + 1;
            if (terminal)
            {
                transition = new NStepTransition(slot, s, k + 1, true, total, 0.0);
                return true;
            }
        }
        transition = new NStepTransition(slot, s, N, false, total, discount);
        return true;
    }

    /// <summary>Whether <paramref name="slot"/> is sampleable (see the class summary).</summary>
    public bool IsSampleable(ITransitionRing ring, int slot) => TryGet(ring, slot, out _);

    /// <summary>
    /// Fills rows of <paramref name="batch"/> with the n-step transitions of <paramref name="slots"/>
    /// (observations, actions, returns, discounts, steps, slots). Weights are left unchanged. No allocation.
    /// </summary>
    /// <exception cref="ArgumentException">A slot is not sampleable, or the sizes do not match.</exception>
    public void Fill(ITransitionRing ring, ReadOnlySpan<int> slots, NStepBatch batch)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(batch);
        if (slots.Length != batch.Size)
            throw new ArgumentException($"{slots.Length} slots given for a batch of {batch.Size}.", nameof(slots));
        if (batch.ObservationSize != ring.ObservationSize)
            throw new ArgumentException($"batch observation size {batch.ObservationSize} differs from the replay's {ring.ObservationSize}.", nameof(batch));
        int size = ring.ObservationSize;
        for (int row = 0; row < slots.Length; row++)
        {
            int slot = slots[row];
            if (!TryGet(ring, slot, out var t))
                throw new ArgumentException($"slot {slot} is not sampleable (no transition, or its {N}-step window is not written yet).", nameof(slots));
            ring.CopyObservation(slot, batch.Observations.AsSpan(row * size, size));
            ring.CopyObservation(t.BootstrapSlot, batch.BootstrapObservations.AsSpan(row * size, size));
            batch.Actions[row] = ring.ActionAt(slot);
            batch.Returns[row] = (float)t.Return;
            batch.Discounts[row] = (float)t.Discount;
            batch.Steps[row] = t.Steps;
            batch.Slots[row] = slot;
        }
    }
}
