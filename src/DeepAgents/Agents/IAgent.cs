using Research.Random;

namespace Research.DeepAgents.Agents;

/// <summary>
/// What the training loop (<c>Trainer</c>), evaluation and <c>prox eval</c> need from an agent with a
/// replay buffer and a target network: DQN / DQN Pro (<see cref="DqnAgent"/>) and Rainbow / Rainbow Pro
/// (<see cref="RainbowAgent"/>), both on the skeleton <see cref="AgentCore"/>. Build one with
/// <see cref="AgentFactory.Create"/>.
/// </summary>
public interface IAgent : IDisposable
{
    /// <summary>Number of actions.</summary>
    int ActionCount { get; }
    /// <summary>Training steps taken (transitions stored).</summary>
    long Steps { get; }
    /// <summary>Gradient updates taken.</summary>
    long Updates { get; }
    /// <summary>Target refreshes so far (k of theta_k).</summary>
    long Syncs { get; }
    /// <summary>The training epsilon for the next action.</summary>
    double Epsilon { get; }
    /// <summary>mu = alpha / c~ of the proximal pull (0 without one).</summary>
    double Mu { get; }

    /// <summary>Records the first observation of a training episode.</summary>
    void BeginEpisode(ReadOnlySpan<float> observation);
    /// <summary>Training action for <paramref name="observation"/>
    /// (epsilon-greedy with the scheduled epsilon).</summary>
    int SelectAction(ReadOnlySpan<float> observation);
    /// <summary>Epsilon-greedy action with a given epsilon and random stream (evaluation).</summary>
    int SelectAction(ReadOnlySpan<float> observation, double epsilon, Xoshiro256 random);
    /// <summary>The greedy action of the online network.</summary>
    int GreedyAction(ReadOnlySpan<float> observation);
    /// <summary>Stores the transition and runs this step's update and/or target refresh.</summary>
    StepOutcome Observe(int action, float reward, bool terminated, ReadOnlySpan<float> nextObservation);
    /// <summary>Writes the complete agent state (exact resume).</summary>
    void Save(BinaryWriter writer);
    /// <summary>Restores a state written by <see cref="Save"/>
    /// of an agent built from the same config.</summary>
    void Load(BinaryReader reader);
}
