using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Replay;

namespace Research.DeepAgents.Agents;

/// <summary>
/// The replay ring an agent stores its transitions in, chosen from its settings (shared by DQN and Rainbow).
/// </summary>
public static class AgentReplay
{
    /// <summary>
    /// A <see cref="FrameStackReplay"/> (one byte frame per slot, k-frame stacks rebuilt; its summary gives
    /// the bytes per transition) when <c>FrameStack</c> &gt; 1, which requires the environment's observation
    /// to be k stacked byte frames; otherwise a <see cref="ReplayBuffer"/> of whole observations sampling
    /// with the run's <c>replay</c> stream.
    /// </summary>
    public static IReplayRing Create(AgentSettings settings, ObservationSpec observation)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(observation);
        if (settings.FrameStack <= 1)
            return new ReplayBuffer(observation, settings.ReplayCapacity, Seeds.Derive(settings.Seed, Seeds.Replay));
        if (observation.Channels != settings.FrameStack || observation.Kind == ObservationKind.Features)
            throw new ConfigException("frame-stack", ConfigKeys.Format(settings.FrameStack),
                $"the channel count of the environment's stacked byte frames (it gives [{observation.Channels}, {observation.Height}, {observation.Width}] {observation.Kind})");
        return new FrameStackReplay(observation.Height, observation.Width, settings.FrameStack, settings.ReplayCapacity);
    }
}
