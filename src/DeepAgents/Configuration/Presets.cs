namespace Research.DeepAgents.Configuration;

/// <summary>
/// Named starting configurations (docs/agents.md lists every value with its source). Each fills every key
/// of <see cref="TrainingConfig"/>; <c>--set</c> overrides then apply on top.
/// </summary>
public static class Presets
{
    /// <summary>
    /// MinAtar's reference DQN (Young and Tian 2019, examples/dqn.py): conv 16 3x3 valid -> 128 -> actions,
    /// centred RMSProp(2.5e-4, alpha 0.95, eps 0.01), replay 100k, batch 32, 5000 random steps, eps 1 -> 0.1
    /// over 100k, one update per frame from frame 5001 on, target copy every 1000 updates, 5M frames,
    /// sticky 0.1, ramping, all 6 actions. No evaluation phase: the paper reports training returns.
    /// </summary>
    public static TrainingConfig MinAtarReference { get; } = new()
    {
        Preset = "minatar-reference",
        Environment = "minatar:breakout",
        TotalSteps = 5_000_000,
        CTilde = 0.2,
        StickyActionProbability = 0.1,
        DifficultyRamping = true,
        MinimalActions = false,
        MaxEpisodeSteps = 0,
        Network = NetworkKind.MinAtarReference,
        Gamma = 0.99,
        BatchSize = 32,
        ReplayCapacity = 100_000,
        MinReplayHistory = 5001, // dqn.py updates when t > 5000 with 0-based frame t, i.e. after more than 5001 stored transitions
        UpdatePeriod = 1,
        TargetUpdatePeriod = 1000,
        TargetPeriodUnit = TargetPeriodUnit.Updates,
        HuberDelta = 1.0,
        Optimizer = OptimizerKind.RmsProp,
        OptimizerForm = OptimizerForm.PyTorch,
        LearningRate = 2.5e-4,
        OptimizerEpsilon = 0.01,
        RmsPropDecay = 0.95,
        RmsPropMomentum = 0,
        RmsPropCentered = true,
        EpsilonSchedule = EpsilonScheduleKind.MinAtarReference,
        EpsilonWarmupSteps = 5000,
        EpsilonDecaySteps = 100_000,
        EpsilonStart = 1.0,
        EpsilonEnd = 0.1,
        EvalPeriod = 0,
        EvalSteps = 125_000,
        EvalEpisodes = 0,
        EvalEpsilon = 0.0,
        UpdateLogPeriod = 1000,
        ThroughputLogPeriod = 10_000,
        CheckpointPeriod = 250_000,
    };

    /// <summary>
    /// Dopamine's MinAtar DQN: conv 16 3x3 'same' -> actions, Adam(2.5e-4, eps 3.125e-4), replay 100k,
    /// batch 32, min history 1000, update every 4 steps, target copy every 1000 steps, linearly decaying
    /// epsilon 1 -> 0.01 over 250k steps after the warm-up, eval epsilon 0.001, 10 iterations of 1M steps
    /// each followed by 125k evaluation steps, sticky 0.1, ramping, all 6 actions.
    /// </summary>
    public static TrainingConfig MinAtarDopamine { get; } = new()
    {
        Preset = "minatar-dopamine",
        Environment = "minatar:breakout",
        TotalSteps = 10_000_000,
        CTilde = 0.2,
        StickyActionProbability = 0.1,
        DifficultyRamping = true,
        MinimalActions = false,
        MaxEpisodeSteps = 27_000,
        Network = NetworkKind.DopamineMinAtar,
        Gamma = 0.99,
        BatchSize = 32,
        ReplayCapacity = 100_000,
        MinReplayHistory = 1000,
        UpdatePeriod = 4,
        TargetUpdatePeriod = 1000,
        TargetPeriodUnit = TargetPeriodUnit.AgentSteps,
        HuberDelta = 1.0,
        Optimizer = OptimizerKind.Adam,
        OptimizerForm = OptimizerForm.PyTorch,
        LearningRate = 2.5e-4,
        OptimizerEpsilon = 3.125e-4,
        AdamBeta1 = 0.9,
        AdamBeta2 = 0.999,
        EpsilonSchedule = EpsilonScheduleKind.DopamineLinear,
        EpsilonWarmupSteps = 1000,
        EpsilonDecaySteps = 250_000,
        EpsilonStart = 1.0,
        EpsilonEnd = 0.01,
        EvalPeriod = 1_000_000,
        EvalSteps = 125_000,
        EvalEpisodes = 0,
        EvalEpsilon = 0.001,
        UpdateLogPeriod = 250,
        ThroughputLogPeriod = 10_000,
        CheckpointPeriod = 250_000,
    };

    /// <summary>
    /// The paper's Atari protocol on Dopamine's DQN: Nature CNN, centred RMSProp(2.5e-4, decay 0.95, eps
    /// 1e-5), replay 1M, batch 32, min history 20k, update every 4 steps, target every 8000 steps, epsilon 1
    /// -> 0.01 over 250k steps, eval epsilon 0.001; no sticky actions, life loss terminal, frame skip 4,
    /// 4-frame stack, reward clip 1, 27000-step episodes; 120 iterations of 250k training + 125k evaluation
    /// steps; DQN Pro c~ 0.2. Needs an Atari backend.
    /// </summary>
    public static TrainingConfig AtariPaper { get; } = new()
    {
        Preset = "atari-paper",
        Environment = "atari:breakout",
        TotalSteps = 30_000_000,
        CTilde = 0.2,
        StickyActionProbability = 0.0,
        DifficultyRamping = false,
        MinimalActions = true,
        MaxEpisodeSteps = 27_000,
        RewardClip = 1.0,
        TerminalOnLifeLoss = true,
        FrameSkip = 4,
        FrameStack = 4,
        Network = NetworkKind.NatureCnn,
        Gamma = 0.99,
        BatchSize = 32,
        ReplayCapacity = 1_000_000,
        MinReplayHistory = 20_000,
        UpdatePeriod = 4,
        TargetUpdatePeriod = 8000,
        TargetPeriodUnit = TargetPeriodUnit.AgentSteps,
        HuberDelta = 1.0,
        Optimizer = OptimizerKind.RmsProp,
        OptimizerForm = OptimizerForm.TensorFlow,
        LearningRate = 2.5e-4,
        OptimizerEpsilon = 1e-5,
        RmsPropDecay = 0.95,
        RmsPropMomentum = 0,
        RmsPropCentered = true,
        EpsilonSchedule = EpsilonScheduleKind.DopamineLinear,
        EpsilonWarmupSteps = 20_000,
        EpsilonDecaySteps = 250_000,
        EpsilonStart = 1.0,
        EpsilonEnd = 0.01,
        EvalPeriod = 250_000,
        EvalSteps = 125_000,
        EvalEpisodes = 0,
        EvalEpsilon = 0.001,
        UpdateLogPeriod = 250,
        ThroughputLogPeriod = 10_000,
        CheckpointPeriod = 250_000,
    };

    /// <summary>
    /// A small CartPole DQN for tests and smoke runs (not from a paper): MLP, Adam(1e-3), replay 50k, batch
    /// 64, an update every step after 1000 transitions, target every 500 steps, epsilon 1 -> 0.05 over 10k
    /// steps, 500-step episodes, greedy evaluation of 10 episodes every 5000 steps, 30k steps.
    /// </summary>
    public static TrainingConfig CartPole { get; } = new()
    {
        Preset = "cartpole",
        Environment = "cartpole",
        TotalSteps = 30_000,
        CTilde = 0.2,
        StickyActionProbability = 0.0,
        DifficultyRamping = false,
        MaxEpisodeSteps = 500,
        Network = NetworkKind.Mlp,
        Gamma = 0.99,
        BatchSize = 64,
        ReplayCapacity = 50_000,
        MinReplayHistory = 1000,
        UpdatePeriod = 1,
        TargetUpdatePeriod = 500,
        TargetPeriodUnit = TargetPeriodUnit.AgentSteps,
        HuberDelta = 1.0,
        Optimizer = OptimizerKind.Adam,
        OptimizerForm = OptimizerForm.PyTorch,
        LearningRate = 1e-3,
        OptimizerEpsilon = 1e-8,
        EpsilonSchedule = EpsilonScheduleKind.DopamineLinear,
        EpsilonWarmupSteps = 1000,
        EpsilonDecaySteps = 10_000,
        EpsilonStart = 1.0,
        EpsilonEnd = 0.05,
        EvalPeriod = 5000,
        EvalSteps = 5000,
        EvalEpisodes = 10,
        EvalEpsilon = 0.0,
        UpdateLogPeriod = 100,
        ThroughputLogPeriod = 5000,
        CheckpointPeriod = 0,
        TensorBoard = false,
    };

    /// <summary>
    /// Dopamine's MinAtar Rainbow: <see cref="MinAtarDopamine"/> plus 51 atoms on [-100, 100], n = 3,
    /// prioritized replay (alpha = beta = 0.5) and Adam(1e-4, eps 3.125e-4)
    /// (<c>OptimizerConfig.DopamineMinAtarRainbow</c>); Rainbow Pro
    /// c~ 0.05 (the paper's Atari value; no MinAtar value was published).
    /// </summary>
    public static TrainingConfig MinAtarDopamineRainbow { get; } = MinAtarDopamine with
    {
        Agent = "rainbow",
        CTilde = 0.05,
        Atoms = 51,
        VMin = -100,
        VMax = 100,
        NStep = 3,
        Prioritized = true,
        PriorityAlpha = 0.5,
        PriorityBeta = 0.5,
        DoubleQ = false,
        Optimizer = OptimizerKind.Adam,
        OptimizerForm = OptimizerForm.PyTorch,
        LearningRate = 1e-4,
        OptimizerEpsilon = 3.125e-4,
    };

    /// <summary>
    /// The paper's Atari protocol on Dopamine's compact Rainbow
    /// (the Rainbow Pro experiments): <see cref="AtariPaper"/>
    /// with 51 atoms on [-10, 10], n = 3, prioritized replay, Adam(6.25e-5, eps 1.5e-4, TF1 form), batch 64,
    /// Rainbow Pro c~ 0.05 (mu = 1.25e-3).
    /// </summary>
    public static TrainingConfig AtariPaperRainbow { get; } = AtariPaper with
    {
        Agent = "rainbow",
        CTilde = 0.05,
        Atoms = 51,
        VMin = -10,
        VMax = 10,
        NStep = 3,
        Prioritized = true,
        PriorityAlpha = 0.5,
        PriorityBeta = 0.5,
        DoubleQ = false,
        BatchSize = 64,
        Optimizer = OptimizerKind.Adam,
        OptimizerForm = OptimizerForm.TensorFlow,
        LearningRate = 6.25e-5,
        OptimizerEpsilon = 1.5e-4,
    };

    /// <summary>
    /// A small CartPole Rainbow for tests and smoke runs (not from a paper): <see cref="CartPole"/> with 51
    /// atoms on [0, 100] (returns are at most 1 / (1 - 0.99)
    /// = 100), n = 3, prioritized replay, Adam(1e-3); c~ 0.2.
    /// </summary>
    public static TrainingConfig CartPoleRainbow { get; } = CartPole with
    {
        Agent = "rainbow",
        Atoms = 51,
        VMin = 0,
        VMax = 100,
        NStep = 3,
        Prioritized = true,
        PriorityAlpha = 0.5,
        PriorityBeta = 0.5,
        DoubleQ = false,
    };

    /// <summary>DQN presets by name (also the values of <c>dqn-pro</c>).</summary>
    public static IReadOnlyDictionary<string, TrainingConfig> All { get; } = new Dictionary<string, TrainingConfig>
    {
        ["minatar-reference"] = MinAtarReference,
        ["minatar-dopamine"] = MinAtarDopamine,
        ["atari-paper"] = AtariPaper,
        ["cartpole"] = CartPole,
    };

    /// <summary>Rainbow presets by name (also the values of <c>rainbow-pro</c>).</summary>
    public static IReadOnlyDictionary<string, TrainingConfig> Rainbow { get; } = new Dictionary<string, TrainingConfig>
    {
        ["minatar-dopamine"] = MinAtarDopamineRainbow,
        ["atari-paper"] = AtariPaperRainbow,
        ["cartpole"] = CartPoleRainbow,
    };

    /// <summary>The DQN preset called <paramref name="name"/>; a
    /// <see cref="ConfigException"/> naming the choices otherwise.</summary>
    public static TrainingConfig Get(string name) => Get(name, "dqn");

    /// <summary>
    /// The preset called <paramref name="name"/> for
    /// <paramref name="agent"/>: the Rainbow table for <c>rainbow</c> and
    /// <c>rainbow-pro</c>, the DQN table otherwise, with <c>agent</c> set. A <see cref="ConfigException"/>
    /// names the presets that exist for that agent.
    /// </summary>
    public static TrainingConfig Get(string name, string agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        bool rainbow = agent is "rainbow" or "rainbow-pro";
        var table = rainbow ? Rainbow : All;
        if (!table.TryGetValue(name, out var preset))
            throw new ConfigException("preset", name, $"one of {string.Join(", ", table.Keys)}" + (rainbow ? $" for {agent}" : ""));
        return preset with { Agent = agent };
    }
}
