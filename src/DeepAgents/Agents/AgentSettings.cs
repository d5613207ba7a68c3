using Research.DeepAgents.Configuration;
using Research.DeepAgents.Networks;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Replay;

namespace Research.DeepAgents.Agents;

/// <summary>
/// What every agent (<see cref="AgentCore"/>) is built from: the part of a run's config an agent reads, taken
/// from it by <see cref="AgentFactory"/> (docs/agents.md, "The agent").
/// </summary>
/// <param name="Seed">The run seed; the agent derives its <c>network</c>, <c>target-network</c>,
/// <c>replay</c> and <c>exploration</c> streams from it.</param>
/// <param name="Network">The Q-network architecture.</param>
/// <param name="Optimizer">The optimizer; its learning rate is the pull's alpha.</param>
/// <param name="CTilde">c~ of the proximal pull (docs/proximal-updates.md, "The update"); +infinity for the
/// plain agents (no pull).</param>
/// <param name="Nu">Weight of the optional penalty 0.5 nu ||w - theta||^2 added to the loss (0 =
/// none).</param>
/// <param name="PullTowardRandomTargetAtStart">Start from an independent target instead of w = theta.</param>
/// <param name="Gamma">Discount.</param>
/// <param name="BatchSize">Minibatch size B.</param>
/// <param name="ReplayCapacity">Transitions kept.</param>
/// <param name="FrameStack">k &gt; 1: replay stores one frame per step and rebuilds k-frame stacks.</param>
/// <param name="Epsilon">The training epsilon schedule.</param>
/// <param name="Schedule">When updates and target refreshes happen.</param>
public sealed record AgentSettings(
    long Seed,
    NetworkKind Network,
    OptimizerConfig Optimizer,
    double CTilde,
    double Nu,
    bool PullTowardRandomTargetAtStart,
    double Gamma,
    int BatchSize,
    int ReplayCapacity,
    int FrameStack,
    EpsilonSettings Epsilon,
    TrainSchedule Schedule)
{
    /// <summary>
    /// Whether the agent builds a <see cref="ProximalPull"/>: for a finite c~ or for the nu penalty.
    /// </summary>
    public bool HasPull => !double.IsPositiveInfinity(CTilde) || Nu > 0;
}

/// <summary>
/// DQN's settings (<see cref="DqnAgent"/>): the common part and its Huber loss and update kernel.
/// </summary>
/// <param name="Common">What every agent reads.</param>
/// <param name="HuberDelta">delta of the Huber loss.</param>
/// <param name="UpdateKernel">The gradient path requested (<see cref="DqnAgent.ResolveKernel"/>).</param>
public sealed record DqnSettings(AgentSettings Common, double HuberDelta, UpdateKernel UpdateKernel);

/// <summary>
/// Rainbow's settings (<see cref="RainbowAgent"/>): the common part and its distributional pieces.
/// </summary>
/// <param name="Common">What every agent reads.</param>
/// <param name="Atoms">Number of atoms N of the C51 head.</param>
/// <param name="VMin">Lowest atom.</param>
/// <param name="VMax">Highest atom.</param>
/// <param name="NStep">n of the n-step returns.</param>
/// <param name="Priorities">Prioritized (or uniform) replay sampling.</param>
/// <param name="DoubleQ">Choose the bootstrap action with the online network.</param>
/// <param name="Dueling">Dueling head.</param>
/// <param name="Noisy">Noisy output layers (training epsilon 0).</param>
/// <param name="NoisySigma0">sigma_0 of the noisy layers.</param>
public sealed record RainbowSettings(
    AgentSettings Common,
    int Atoms,
    double VMin,
    double VMax,
    int NStep,
    PrioritizedReplayConfig Priorities,
    bool DoubleQ,
    bool Dueling,
    bool Noisy,
    double NoisySigma0);
