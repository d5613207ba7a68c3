using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Replay;

namespace Research.DeepAgents.Agents;

/// <summary>
/// Builds the agent a run's config names, and the settings each agent takes from that config (the one place
/// that reads agent keys out of a <see cref="TrainingConfig"/>).
/// </summary>
public static class AgentFactory
{
    /// <summary>
    /// <c>dqn</c>/<c>dqn-pro</c> -&gt; <see cref="DqnAgent"/>; <c>rainbow</c>/<c>rainbow-pro</c> -&gt;
    /// <see cref="RainbowAgent"/>.
    /// </summary>
    /// <exception cref="ConfigException">The config is invalid
    /// (<see cref="ConfigValidation.Validate"/>).</exception>
    public static IAgent Create(TrainingConfig config, ObservationSpec observation, int actionCount)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.IsRainbow
            ? new RainbowAgent(RainbowSettingsOf(config), observation, actionCount)
            : new DqnAgent(DqnSettingsOf(config), observation, actionCount);
    }

    /// <summary>The settings every agent reads, from a validated <paramref name="config"/>.</summary>
    /// <exception cref="ConfigException">The config is invalid.</exception>
    public static AgentSettings SettingsOf(TrainingConfig config)
    {
        ConfigValidation.Validate(config);
        return new AgentSettings(
            config.Seed, config.Network, OptimizerConfigOf(config),
            CTilde: config.IsPro ? config.CTilde : double.PositiveInfinity,
            config.Nu, config.PullTowardRandomTargetAtStart, config.Gamma, config.BatchSize, config.ReplayCapacity, config.FrameStack,
            new EpsilonSettings(config.EpsilonSchedule, config.EpsilonWarmupSteps, config.EpsilonDecaySteps, config.EpsilonStart, config.EpsilonEnd),
            new TrainSchedule(config.MinReplayHistory, config.UpdatePeriod, config.TargetUpdatePeriod, config.TargetPeriodUnit));
    }

    /// <summary>
    /// DQN's settings: <see cref="SettingsOf"/> plus <c>huber-delta</c> and <c>update-kernel</c>.
    /// </summary>
    /// <exception cref="ConfigException">The config is invalid.</exception>
    public static DqnSettings DqnSettingsOf(TrainingConfig config) =>
        new(SettingsOf(config), config.HuberDelta, config.UpdateKernel);

    /// <summary>
    /// Rainbow's settings: <see cref="SettingsOf"/> plus the distributional, n-step and replay keys.
    /// </summary>
    /// <exception cref="ConfigException">The config is invalid or does not name
    /// <c>rainbow</c>/<c>rainbow-pro</c>.</exception>
    public static RainbowSettings RainbowSettingsOf(TrainingConfig config)
    {
        var common = SettingsOf(config);
        if (!config.IsRainbow)
            throw new ConfigException("agent", config.Agent, "rainbow or rainbow-pro for a RainbowAgent");
        return new RainbowSettings(common, config.Atoms, config.VMin, config.VMax, config.NStep,
            new PrioritizedReplayConfig(config.Prioritized, config.PriorityAlpha, config.PriorityBeta),
            config.DoubleQ, config.Dueling, config.Noisy, config.NoisySigma0);
    }

    /// <summary>The optimizer hyperparameters of <paramref name="config"/>.</summary>
    /// <exception cref="ConfigException">An optimizer other than Adam or RMSProp.</exception>
    public static OptimizerConfig OptimizerConfigOf(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Optimizer switch
        {
            OptimizerKind.Adam => new AdamConfig(config.LearningRate, config.AdamBeta1, config.AdamBeta2, config.OptimizerEpsilon, config.OptimizerForm),
            OptimizerKind.RmsProp => new RmsPropConfig(config.LearningRate, config.RmsPropDecay, config.RmsPropMomentum,
                config.OptimizerEpsilon, config.RmsPropCentered, config.OptimizerForm),
            _ => throw new ConfigException("optimizer", config.Optimizer.ToString(), "adam or rms-prop"),
        };
    }
}
