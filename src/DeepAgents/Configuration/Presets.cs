namespace Research.DeepAgents.Configuration;

/// <summary>
/// Named starting configurations (docs/agents.md lists every value with its source). Each is
/// <see cref="Common"/> with what differs; <c>--set</c> overrides then apply on top.
/// </summary>
public static class Presets
{
    /// <summary>
    /// The values the presets share unless they say otherwise: Dopamine's DQN protocol as in
    /// <see cref="MinAtarDopamine"/>. Every key a DQN preset sets is stated here, so no preset
    /// takes a value from <see cref="TrainingConfig"/>'s defaults.
    /// </summary>
    static TrainingConfig Common { get; } = new()
    {
        CTilde = 0.2,
        StickyActionProbability = 0.1,
        DifficultyRamping = true,
        MinimalActions = false,
        MaxEpisodeSteps = 27_000,
        RewardClip = 0,
        TerminalOnLifeLoss = false,
        FrameSkip = 1,
        FrameStack = 1,
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
        RmsPropDecay = 0.95,
        RmsPropMomentum = 0,
        RmsPropCentered = true,
        EpsilonSchedule = EpsilonScheduleKind.DopamineLinear,
        EpsilonWarmupSteps = 1000,
        EpsilonDecaySteps = 250_000,
        EpsilonStart = 1.0,
        EpsilonEnd = 0.01,
        EvalSteps = 125_000,
        EvalEpisodes = 0,
        EvalEpsilon = 0.001,
        UpdateLogPeriod = 250,
        ThroughputLogPeriod = 10_000,
        CheckpointPeriod = 250_000,
        TensorBoard = true,
    };

    /// <summary>Compact Rainbow's additions to a DQN preset (Dopamine): C51 with 51 atoms, 3-step returns,
    /// prioritized replay with alpha = beta = 0.5, no double Q.</summary>
    static TrainingConfig CompactRainbow(TrainingConfig dqn) => dqn with
    {
        Agent = "rainbow",
        Atoms = 51,
        NStep = 3,
        Prioritized = true,
        PriorityAlpha = 0.5,
        PriorityBeta = 0.5,
        DoubleQ = false,
    };

    /// <summary>
    /// MinAtar's reference DQN (Young and Tian 2019, examples/dqn.py): conv 16 3x3 valid -> 128 -> actions,
    /// centred RMSProp(2.5e-4, alpha 0.95, eps 0.01), replay 100k, batch 32, 5000 random steps, eps 1 -> 0.1
    /// over 100k, one update per frame from frame 5001 on, target copy every 1000 updates, 5M frames,
    /// sticky 0.1, ramping, all 6 actions. No evaluation phase: the paper reports training returns.
    /// </summary>
    public static TrainingConfig MinAtarReference { get; } = Common with
    {
        Preset = "minatar-reference",
        Environment = "minatar:breakout",
        TotalSteps = 5_000_000,
        MaxEpisodeSteps = 0,
        Network = NetworkKind.MinAtarReference,
        // dqn.py updates when t > 5000 with 0-based frame t, i.e. after more than 5001 stored transitions
        MinReplayHistory = 5001,
        UpdatePeriod = 1,
        TargetPeriodUnit = TargetPeriodUnit.Updates,
        Optimizer = OptimizerKind.RmsProp,
        OptimizerEpsilon = 0.01,
        EpsilonSchedule = EpsilonScheduleKind.MinAtarReference,
        EpsilonWarmupSteps = 5000,
        EpsilonDecaySteps = 100_000,
        EpsilonEnd = 0.1,
        EvalPeriod = 0,
        EvalEpsilon = 0.0,
        UpdateLogPeriod = 1000,
    };

    /// <summary>
    /// Dopamine's MinAtar DQN: conv 16 3x3 'same' -> actions, Adam(2.5e-4, eps 3.125e-4), replay 100k,
    /// batch 32, min history 1000, update every 4 steps, target copy every 1000 steps, linearly decaying
    /// epsilon 1 -> 0.01 over 250k steps after the warm-up, eval epsilon 0.001, 10 iterations of 1M steps
    /// each followed by 125k evaluation steps, sticky 0.1, ramping, all 6 actions.
    /// </summary>
    public static TrainingConfig MinAtarDopamine { get; } = Common with
    {
        Preset = "minatar-dopamine",
        Environment = "minatar:breakout",
        TotalSteps = 10_000_000,
        Network = NetworkKind.DopamineMinAtar,
        EvalPeriod = 1_000_000,
    };

    /// <summary>
    /// The paper's Atari protocol on Dopamine's DQN: Nature CNN, centred RMSProp(2.5e-4, decay 0.95, eps
    /// 1e-5), replay 1M, batch 32, min history 20k, update every 4 steps, target every 8000 steps, epsilon 1
    /// -> 0.01 over 250k steps, eval epsilon 0.001; no sticky actions, life loss terminal, frame skip 4,
    /// 4-frame stack, reward clip 1, 27000-step episodes; 120 iterations of 250k training + 125k evaluation
    /// steps; DQN Pro c~ 0.2. Needs an Atari backend.
    /// </summary>
    public static TrainingConfig AtariPaper { get; } = Common with
    {
        Preset = "atari-paper",
        Environment = "atari:breakout",
        TotalSteps = 30_000_000,
        StickyActionProbability = 0.0,
        DifficultyRamping = false,
        MinimalActions = true,
        RewardClip = 1.0,
        TerminalOnLifeLoss = true,
        FrameSkip = 4,
        FrameStack = 4,
        Network = NetworkKind.NatureCnn,
        ReplayCapacity = 1_000_000,
        MinReplayHistory = 20_000,
        TargetUpdatePeriod = 8000,
        Optimizer = OptimizerKind.RmsProp,
        OptimizerForm = OptimizerForm.TensorFlow,
        OptimizerEpsilon = 1e-5,
        EpsilonWarmupSteps = 20_000,
        EvalPeriod = 250_000,
    };

    /// <summary>
    /// A small CartPole DQN for tests and smoke runs (not from a paper): MLP, Adam(1e-3), replay 50k, batch
    /// 64, an update every step after 1000 transitions, target every 500 steps, epsilon 1 -> 0.05 over 10k
    /// steps, 500-step episodes, greedy evaluation of 10 episodes every 5000 steps, 30k steps.
    /// </summary>
    public static TrainingConfig CartPole { get; } = Common with
    {
        Preset = "cartpole",
        Environment = "cartpole",
        TotalSteps = 30_000,
        StickyActionProbability = 0.0,
        DifficultyRamping = false,
        MaxEpisodeSteps = 500,
        Network = NetworkKind.Mlp,
        BatchSize = 64,
        ReplayCapacity = 50_000,
        UpdatePeriod = 1,
        TargetUpdatePeriod = 500,
        LearningRate = 1e-3,
        OptimizerEpsilon = 1e-8,
        EpsilonDecaySteps = 10_000,
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
    public static TrainingConfig MinAtarDopamineRainbow { get; } = CompactRainbow(MinAtarDopamine) with
    {
        CTilde = 0.05,
        VMin = -100,
        VMax = 100,
        LearningRate = 1e-4,
    };

    /// <summary>
    /// The paper's Atari protocol on Dopamine's compact Rainbow
    /// (the Rainbow Pro experiments): <see cref="AtariPaper"/>
    /// with 51 atoms on [-10, 10], n = 3, prioritized replay, Adam(6.25e-5, eps 1.5e-4, TF1 form), batch 64,
    /// Rainbow Pro c~ 0.05 (mu = 1.25e-3).
    /// </summary>
    public static TrainingConfig AtariPaperRainbow { get; } = CompactRainbow(AtariPaper) with
    {
        CTilde = 0.05,
        VMin = -10,
        VMax = 10,
        BatchSize = 64,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 6.25e-5,
        OptimizerEpsilon = 1.5e-4,
    };

    /// <summary>
    /// A small CartPole Rainbow for tests and smoke runs (not from a paper): <see cref="CartPole"/> with 51
    /// atoms on [0, 100] (returns are at most 1 / (1 - 0.99)
    /// = 100), n = 3, prioritized replay, Adam(1e-3); c~ 0.2.
    /// </summary>
    public static TrainingConfig CartPoleRainbow { get; } = CompactRainbow(CartPole) with
    {
        VMin = 0,
        VMax = 100,
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
