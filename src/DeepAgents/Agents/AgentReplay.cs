using Research.DeepAgents.Environments;
using Research.DeepAgents.Replay;
using Research.DeepAgents.Training;

namespace Research.DeepAgents.Agents;

/// <summary>The replay ring an agent stores its transitions in, chosen from the config (shared by DQN and Rainbow).</summary>
public static class AgentReplay
{
    /// <summary>
    /// A <see cref="FrameStackReplay"/> (one byte frame per slot, k-frame stacks rebuilt: 7,067 B per transition at
    /// 84x84) when <c>FrameStack</c> &gt; 1, which requires the environment's observation to be k stacked byte frames;
    /// otherwise a <see cref="ReplayBuffer"/> of whole observations sampling with the run's <c>replay</c> stream.
    /// </summary>
    public static IReplayRing Create(TrainingConfig config, ObservationSpec observation)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(observation);
        if (config.FrameStack <= 1)
            return new ReplayBuffer(observation, config.ReplayCapacity, Seeds.Derive(config.Seed, Seeds.Replay));
        if (observation.Channels != config.FrameStack || observation.Kind == ObservationKind.Features)
            throw new ConfigException("frame-stack", ConfigKeys.Format(config.FrameStack),
                $"the channel count of the environment's stacked byte frames (it gives [{observation.Channels}, {observation.Height}, {observation.Width}] {observation.Kind})");
        return new FrameStackReplay(observation.Height, observation.Width, config.FrameStack, config.ReplayCapacity);
    }
}
