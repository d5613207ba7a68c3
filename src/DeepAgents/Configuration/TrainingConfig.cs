namespace Research.DeepAgents.Configuration;

/// <summary>
/// Everything that defines a training run. Flat on purpose: every property is a <c>--set</c> key (kebab or
/// camel case, see <see cref="ConfigOverrides"/>) and a field of config.json. Presets (<see cref="Presets"/>)
/// fill every value; docs/agents.md lists them with their sources. Counts are agent steps (for MinAtar one
/// step is one frame; for Atari one step is 4 frames).
/// </summary>
public sealed record TrainingConfig
{
    // ---- what is trained --------------------------------------------------------------------------
    /// <summary>Name of the preset this config started from (informational).</summary>
    public string Preset { get; init; } = "custom";
    /// <summary><c>dqn</c>, <c>dqn-pro</c>, <c>rainbow</c> or <c>rainbow-pro</c>.</summary>
    public string Agent { get; init; } = "dqn";
    /// <summary>Environment id: <c>minatar:&lt;game&gt;</c>,
    /// <c>cartpole</c> or <c>atari:&lt;game&gt;</c>.</summary>
    public string Environment { get; init; } = "minatar:breakout";
    /// <summary>Run seed; every random stream derives from it (<see cref="Seeds"/>).</summary>
    public long Seed { get; init; }
    /// <summary>Agent steps to train for.</summary>
    public long TotalSteps { get; init; } = 1_000_000;

    // ---- proximal update (docs/proximal-updates.md, "The update") ----------------------------------
    /// <summary>c~ of DQN Pro / Rainbow Pro: mu = LearningRate / CTilde. Infinity = no pull (plain DQN /
    /// Rainbow). Only used by <c>dqn-pro</c> and <c>rainbow-pro</c>.</summary>
    public double CTilde { get; init; } = double.PositiveInfinity;
    /// <summary>Compatibility switch: the released code's target starts as an independent random network
    /// instead of a copy of the online one.</summary>
    public bool PullTowardRandomTargetAtStart { get; init; }
    /// <summary>Optional variant: add <c>Nu * sum 0.5 ||w - theta||^2</c>
    /// to the loss (passes through the optimizer). 0 = off.</summary>
    public double Nu { get; init; }

    // ---- environment ------------------------------------------------------------------------------
    /// <summary>Sticky-action probability (MinAtar's wrapper; Atari's repeat_action_probability).</summary>
    public double StickyActionProbability { get; init; } = 0.1;
    /// <summary>MinAtar difficulty ramping.</summary>
    public bool DifficultyRamping { get; init; } = true;
    /// <summary>Use the game's minimal action set instead of all actions.</summary>
    public bool MinimalActions { get; init; }
    /// <summary>Time limit of an episode in agent steps (truncation: bootstraps). 0 = none.</summary>
    public int MaxEpisodeSteps { get; init; } = 100_000;
    /// <summary>Clip learning rewards to [-RewardClip, RewardClip]; 0 =
    /// no clipping (returns are always reported unclipped).</summary>
    public double RewardClip { get; init; }
    /// <summary>Atari: a life loss is a terminal for learning (the game continues).</summary>
    public bool TerminalOnLifeLoss { get; init; }
    /// <summary>Atari: frames per agent step (max-pooled over the last two).</summary>
    public int FrameSkip { get; init; } = 1;
    /// <summary>Atari: observations stacked per input.</summary>
    public int FrameStack { get; init; } = 1;
    /// <summary>Atari: directory of the ROM files (<c>&lt;game&gt;.bin</c>, ALE names); null = the
    /// <c>ALE_ROM_DIR</c> environment variable.</summary>
    public string? RomDir { get; init; }
    /// <summary>Atari: the game mode, one of the ROM's (<c>prox env info</c>); -1 = the game's
    /// default.</summary>
    public int AtariMode { get; init; } = -1;
    /// <summary>Atari: the difficulty switch, one of the ROM's; -1 = the game's default.</summary>
    public int AtariDifficulty { get; init; } = -1;

    // ---- network and learning ---------------------------------------------------------------------
    /// <summary>Q-network architecture.</summary>
    public NetworkKind Network { get; init; } = NetworkKind.DopamineMinAtar;
    /// <summary>Discount gamma of the TD target.</summary>
    public double Gamma { get; init; } = 0.99;
    /// <summary>Minibatch size.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Replay capacity (transitions).</summary>
    public int ReplayCapacity { get; init; } = 100_000;
    /// <summary>Updates and target syncs happen only after more than this many transitions were stored
    /// (Dopamine's min_replay_history).</summary>
    public long MinReplayHistory { get; init; } = 1000;
    /// <summary>One gradient update every this many agent steps.</summary>
    public int UpdatePeriod { get; init; } = 4;
    /// <summary>Hard target copy every this many
    /// <see cref="TargetPeriodUnit"/>s (the paper's targetPeriod).</summary>
    public long TargetUpdatePeriod { get; init; } = 1000;
    /// <summary>Unit of <see cref="TargetUpdatePeriod"/>.</summary>
    public TargetPeriodUnit TargetPeriodUnit { get; init; } = TargetPeriodUnit.AgentSteps;
    /// <summary>DQN's gradient path: fused hand-derived kernels or autograd
    /// (the same mathematics; Rainbow always uses autograd).</summary>
    public UpdateKernel UpdateKernel { get; init; } = UpdateKernel.Auto;
    /// <summary>Huber loss threshold (1 = smooth L1).</summary>
    public double HuberDelta { get; init; } = 1.0;

    // ---- Rainbow (Dopamine's compact Rainbow: C51 + n-step +
    // prioritized replay; used by rainbow and rainbow-pro) ----
    /// <summary>Number of atoms N of the C51 distribution (51).</summary>
    public int Atoms { get; init; } = 51;
    /// <summary>Smallest atom v_min of the support.</summary>
    public double VMin { get; init; } = -10;
    /// <summary>Largest atom v_max of the support.</summary>
    public double VMax { get; init; } = 10;
    /// <summary>Update horizon n of the n-step returns (Dopamine's update_horizon, 3).</summary>
    public int NStep { get; init; } = 3;
    /// <summary>Sample by priority and update priorities from the losses; false = stratified uniform
    /// sampling, weights 1 (the released Rainbow Pro code's behaviour).</summary>
    public bool Prioritized { get; init; } = true;
    /// <summary>Priority exponent alpha: p = (loss + 1e-10)^alpha (Dopamine: 0.5, a square root).</summary>
    public double PriorityAlpha { get; init; } = 0.5;
    /// <summary>Importance-sampling exponent beta: w = (P +
    /// 1e-10)^-beta / max (Dopamine: 0.5, fixed).</summary>
    public double PriorityBeta { get; init; } = 0.5;
    /// <summary>Double Q-learning: the next action is the online network's
    /// argmax (evaluated by the target); off in compact Rainbow.</summary>
    public bool DoubleQ { get; init; }
    /// <summary>Dueling head (Q = V + A - mean_a A, per atom);
    /// off in compact Rainbow ("full Rainbow" option).</summary>
    public bool Dueling { get; init; }
    /// <summary>Noisy output layers (factorised Gaussian, Fortunato et al.) with training epsilon 0; off in
    /// compact Rainbow ("full Rainbow" option).</summary>
    public bool Noisy { get; init; }
    /// <summary>sigma_0 of the noisy layers (0.5).</summary>
    public double NoisySigma0 { get; init; } = 0.5;

    // ---- optimizer --------------------------------------------------------------------------------
    /// <summary>Optimizer family.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;
    /// <summary>Which published formula the optimizer follows: TensorFlow 1 (Dopamine TF, the released Pro
    /// code) or PyTorch/optax (MinAtar reference, Dopamine JAX).</summary>
    public OptimizerForm OptimizerForm { get; init; } = OptimizerForm.PyTorch;
    /// <summary>Base learning rate alpha (also the alpha of mu = alpha / c~).</summary>
    public double LearningRate { get; init; } = 2.5e-4;
    /// <summary>Epsilon of Adam / RMSProp.</summary>
    public double OptimizerEpsilon { get; init; } = 3.125e-4;
    /// <summary>Adam beta1.</summary>
    public double AdamBeta1 { get; init; } = 0.9;
    /// <summary>Adam beta2.</summary>
    public double AdamBeta2 { get; init; } = 0.999;
    /// <summary>RMSProp decay (PyTorch's alpha, TensorFlow's decay/rho).</summary>
    public double RmsPropDecay { get; init; } = 0.95;
    /// <summary>RMSProp momentum.</summary>
    public double RmsPropMomentum { get; init; }
    /// <summary>Centred RMSProp.</summary>
    public bool RmsPropCentered { get; init; } = true;

    // ---- exploration ------------------------------------------------------------------------------
    /// <summary>Which linear schedule.</summary>
    public EpsilonScheduleKind EpsilonSchedule { get; init; } = EpsilonScheduleKind.DopamineLinear;
    /// <summary>Warm-up steps with epsilon 1 before the decay starts.</summary>
    public long EpsilonWarmupSteps { get; init; } = 1000;
    /// <summary>Length of the linear decay in agent steps.</summary>
    public long EpsilonDecaySteps { get; init; } = 250_000;
    /// <summary>Epsilon at the start of the decay (the Dopamine schedule always starts at 1).</summary>
    public double EpsilonStart { get; init; } = 1.0;
    /// <summary>Epsilon after the decay (Dopamine's epsilon_train).</summary>
    public double EpsilonEnd { get; init; } = 0.01;

    // ---- evaluation -------------------------------------------------------------------------------
    /// <summary>Evaluate every this many training steps; 0 = never.</summary>
    public long EvalPeriod { get; init; } = 100_000;
    /// <summary>Evaluation budget in agent steps: episodes run until at least this many steps were taken (the
    /// last episode completes, as in Dopamine). Ignored when <see cref="EvalEpisodes"/> &gt; 0.</summary>
    public long EvalSteps { get; init; } = 125_000;
    /// <summary>Evaluate exactly this many episodes instead of a
    /// step budget; 0 = use <see cref="EvalSteps"/>.</summary>
    public int EvalEpisodes { get; init; }
    /// <summary>Epsilon while evaluating.</summary>
    public double EvalEpsilon { get; init; } = 0.001;

    // ---- logging and checkpoints ------------------------------------------------------------------
    /// <summary>Write a row to updates.csv every this many gradient updates.</summary>
    public int UpdateLogPeriod { get; init; } = 100;
    /// <summary>Write a row to throughput.csv every this many agent steps.</summary>
    public long ThroughputLogPeriod { get; init; } = 10_000;
    /// <summary>Write a checkpoint every this many agent steps; 0 = only at the end and on Ctrl-C.</summary>
    public long CheckpointPeriod { get; init; } = 100_000;
    /// <summary>Also write TensorBoard events (events.out.tfevents.*).</summary>
    public bool TensorBoard { get; init; } = true;
    /// <summary>Intra-op threads of libtorch (1 is fastest for MinAtar-size networks).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Whether this run is a Pro agent (the proximal pull wraps the optimizer).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsPro => Agent is "dqn-pro" or "rainbow-pro";

    /// <summary>Whether this run is Rainbow or Rainbow Pro (<c>RainbowAgent</c>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRainbow => Agent is "rainbow" or "rainbow-pro";
}
