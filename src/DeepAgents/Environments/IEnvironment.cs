namespace Research.DeepAgents.Environments;

/// <summary>How an observation's values are encoded (all observations are channels-first).</summary>
public enum ObservationKind
{
    /// <summary>0/1 planes (MinAtar). Stored as bytes, fed to networks as floats 0/1.</summary>
    Binary,
    /// <summary>0..255 pixels (Atari). Stored as bytes, fed to networks as value/255.</summary>
    Pixels,
    /// <summary>Real-valued features (classic control). Stored and fed as floats.</summary>
    Features,
}

/// <summary>Fixed observation shape, channels-first: [Channels,
/// Height, Width]. Features use [1, 1, N].</summary>
public sealed record ObservationSpec(int Channels, int Height, int Width, ObservationKind Kind)
{
    /// <summary>Number of scalars in one observation.</summary>
    public int Size => Channels * Height * Width;
}

/// <summary>The outcome of one <see cref="IEnvironment.Step"/>.</summary>
/// <param name="Reward">Reward of the transition.</param>
/// <param name="Terminated">The episode ended in a terminal state (bootstrapping stops).</param>
/// <param name="Truncated">The episode was cut by a time limit (not a terminal state).</param>
public readonly record struct StepResult(float Reward, bool Terminated, bool Truncated)
{
    /// <summary>The episode is over for either reason.</summary>
    public bool Done => Terminated || Truncated;
}

/// <summary>
/// The environment contract (design.md, "DeepAgents"): fixed observation shape, discrete actions,
/// seeded at construction, <see cref="Reset"/> and <see cref="Step"/>, observations written into a
/// caller-provided buffer. Implementations never allocate per step.
/// </summary>
public interface IEnvironment
{
    /// <summary>A short identifier such as <c>minatar:breakout</c> or <c>cartpole</c>.</summary>
    string Name { get; }

    /// <summary>The observation shape and encoding.</summary>
    ObservationSpec Observation { get; }

    /// <summary>Number of actions the agent chooses from (the
    /// full or the minimal set, as configured).</summary>
    int ActionCount { get; }

    /// <summary>Starts a new episode. Does not reseed.</summary>
    void Reset();

    /// <summary>Executes action <paramref name="action"/> in 0..ActionCount-1.</summary>
    StepResult Step(int action);

    /// <summary>Writes the current observation as floats
    /// (Binary: 0/1, Pixels: 0..255, Features: raw).</summary>
    void Observe(Span<float> destination);

    /// <summary>Writes the current observation as bytes. Only for Binary and Pixels observations.</summary>
    void Observe(Span<byte> destination);
}
