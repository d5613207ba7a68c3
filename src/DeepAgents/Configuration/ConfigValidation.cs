using System.Globalization;

namespace Research.DeepAgents.Configuration;

/// <summary>Range checks of every <see cref="TrainingConfig"/> value;
/// errors name the kebab key, the value and the allowed range.</summary>
public static class ConfigValidation
{
    /// <summary>Agent names this build trains.</summary>
    public static readonly IReadOnlyList<string> Agents = ["dqn", "dqn-pro", "rainbow", "rainbow-pro"];

    /// <summary>Throws a <see cref="ConfigException"/> for the first invalid
    /// value of <paramref name="c"/>; returns it otherwise.</summary>
    public static TrainingConfig Validate(TrainingConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (!Agents.Contains(c.Agent)) Fail("agent", c.Agent, "one of " + string.Join(", ", Agents));
        // Atari games are checked against the ALE when their environment is made.
        if (!(Environments.EnvironmentFactory.Ids.Contains(c.Environment) || (c.Environment.StartsWith("atari:", StringComparison.Ordinal) && c.Environment.Length > 6)))
            Fail("environment", c.Environment, "one of " + string.Join(", ", Environments.EnvironmentFactory.Ids) + ", or atari:<game>");
        AtLeast("total-steps", c.TotalSteps, 1);
        if (!(c.CTilde > 0)) Fail("c-tilde", c.CTilde, "a number > 0 or inf");
        if (c.IsPro && !double.IsPositiveInfinity(c.CTilde) && c.LearningRate / c.CTilde > 1)
            Fail("c-tilde", c.CTilde, $"c-tilde >= learning-rate ({Show(c.LearningRate)}), so that mu = learning-rate / c-tilde is in (0, 1]");
        Finite("nu", c.Nu, 0, double.MaxValue, "[0, inf)");
        Finite("sticky-action-probability", c.StickyActionProbability, 0, 1, "[0, 1]");
        AtLeast("max-episode-steps", c.MaxEpisodeSteps, 0);
        Finite("reward-clip", c.RewardClip, 0, double.MaxValue, "[0, inf) (0 = no clipping)");
        Between("frame-skip", c.FrameSkip, 1, 64);
        Between("frame-stack", c.FrameStack, 1, 64);
        if (c.FrameStack > 1 && !c.Environment.StartsWith("atari:", StringComparison.Ordinal))
            Fail("frame-stack", c.FrameStack, "1 for minatar:<game> and cartpole (frame stacks are built for atari:<game> only)");
        AtariSetting("atari-mode", c.AtariMode, c.Environment);
        AtariSetting("atari-difficulty", c.AtariDifficulty, c.Environment);
        Finite("gamma", c.Gamma, 0, 1, "[0, 1]");
        Between("replay-capacity", c.ReplayCapacity, 2, int.MaxValue);
        Between("batch-size", c.BatchSize, 1, c.ReplayCapacity);
        AtLeast("min-replay-history", c.MinReplayHistory, 0);
        AtLeast("update-period", c.UpdatePeriod, 1);
        AtLeast("target-update-period", c.TargetUpdatePeriod, 1);
        if (!(c.HuberDelta > 0) || double.IsInfinity(c.HuberDelta)) Fail("huber-delta", c.HuberDelta, "a finite number > 0");
        if (!(c.LearningRate > 0) || double.IsInfinity(c.LearningRate)) Fail("learning-rate", c.LearningRate, "a finite number > 0");
        if (!(c.OptimizerEpsilon > 0) || double.IsInfinity(c.OptimizerEpsilon)) Fail("optimizer-epsilon", c.OptimizerEpsilon, "a finite number > 0");
        HalfOpen("adam-beta1", c.AdamBeta1);
        HalfOpen("adam-beta2", c.AdamBeta2);
        HalfOpen("rms-prop-decay", c.RmsPropDecay);
        HalfOpen("rms-prop-momentum", c.RmsPropMomentum);
        AtLeast("epsilon-warmup-steps", c.EpsilonWarmupSteps, 0);
        AtLeast("epsilon-decay-steps", c.EpsilonDecaySteps, 1);
        Finite("epsilon-start", c.EpsilonStart, 0, 1, "[0, 1]");
        Finite("epsilon-end", c.EpsilonEnd, 0, 1, "[0, 1]");
        Finite("eval-epsilon", c.EvalEpsilon, 0, 1, "[0, 1]");
        AtLeast("eval-period", c.EvalPeriod, 0);
        AtLeast("eval-steps", c.EvalSteps, 1);
        AtLeast("eval-episodes", c.EvalEpisodes, 0);
        if (c.EvalPeriod > 0 && c.EvalEpisodes > 0 && c.MaxEpisodeSteps == 0)
            Fail("max-episode-steps", c.MaxEpisodeSteps, "> 0 when evaluating by episodes (an episode could otherwise never end)");
        // Rainbow (docs/agents.md, "Rainbow keys").
        Between("atoms", c.Atoms, 2, 10_000);
        if (!double.IsFinite(c.VMin)) Fail("v-min", c.VMin, "a finite number < v-max");
        if (!double.IsFinite(c.VMax) || !(c.VMax > c.VMin)) Fail("v-max", c.VMax, $"a finite number > v-min ({Show(c.VMin)})");
        Between("n-step", c.NStep, 1, 1000);
        Finite("priority-alpha", c.PriorityAlpha, 0, 1, "[0, 1]");
        Finite("priority-beta", c.PriorityBeta, 0, 1, "[0, 1]");
        if (c.DoubleQ && !c.IsRainbow) Fail("double-q", c.DoubleQ, "false for dqn and dqn-pro (double Q-learning is a Rainbow option here)");
        if (c.Dueling && !c.IsRainbow) Fail("dueling", c.Dueling, "false for dqn and dqn-pro (the dueling head is a Rainbow option here)");
        if (c.UpdateKernel == UpdateKernel.Fused && c.IsRainbow) Fail("update-kernel", c.UpdateKernel, "auto or autograd for rainbow and rainbow-pro (the fused kernels cover DQN's scalar Q-values only)");
        if (c.Noisy && !c.IsRainbow) Fail("noisy", c.Noisy, "false for dqn and dqn-pro (noisy layers are a Rainbow option here)");
        if (!(c.NoisySigma0 > 0) || !double.IsFinite(c.NoisySigma0)) Fail("noisy-sigma0", c.NoisySigma0, "a finite number > 0");
        AtLeast("update-log-period", c.UpdateLogPeriod, 1);
        AtLeast("throughput-log-period", c.ThroughputLogPeriod, 1);
        AtLeast("checkpoint-period", c.CheckpointPeriod, 0);
        Between("threads", c.Threads, 1, 256);
        return c;
    }

    // The ROM's own list is checked when its environment is made, before a run starts (TrainingEnvironments).
    static void AtariSetting(string key, int value, string environment)
    {
        if (value < -1) Fail(key, value, "one of the game's values (prox env info lists them), or -1 for the game's default");
        if (value != -1 && !environment.StartsWith("atari:", StringComparison.Ordinal))
            Fail(key, value, "-1 for minatar:<game> and cartpole (modes and difficulties are atari:<game> settings)");
    }

    static void AtLeast(string key, long value, long min)
    {
        if (value < min) Fail(key, value, $"an integer >= {min}");
    }

    static void Between(string key, long value, long min, long max)
    {
        if (value < min || value > max) Fail(key, value, $"an integer in [{min}, {max}]");
    }

    static void Finite(string key, double value, double min, double max, string allowed)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value < min || value > max) Fail(key, value, allowed);
    }

    static void HalfOpen(string key, double value)
    {
        if (!(value >= 0 && value < 1)) Fail(key, value, "[0, 1)");
    }

    static string Show(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    static void Fail(string key, object value, string allowed) => throw new ConfigException(key, ConfigKeys.Format(value), allowed);
}
