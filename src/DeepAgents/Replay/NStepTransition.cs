namespace Research.DeepAgents.Replay;

/// <summary>
/// An n-step transition read from a ring (<see cref="NStepReturns.TryGet"/>).
/// </summary>
/// <param name="Slot">The slot of s_t (and of the action a_t).</param>
/// <param name="BootstrapSlot">The slot of the observation the target bootstraps from: s_{t+m}
/// (for a terminal, the terminal observation; its value is multiplied by 0).</param>
/// <param name="Steps">m, the rewards summed: n, fewer when the episode ended within n steps.</param>
/// <param name="Terminated">The episode reached a terminal state within the m steps.</param>
/// <param name="Return">r^(m) = sum_{k&lt;m} gamma^k r_{t+k}.</param>
/// <param name="Discount">The bootstrap factor: gamma^m, or 0 when <paramref name="Terminated"/>.</param>
public readonly record struct NStepTransition(int Slot, int BootstrapSlot, int Steps, bool Terminated, double Return, double Discount);
