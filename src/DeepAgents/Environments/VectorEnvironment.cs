namespace Research.DeepAgents.Environments;

/// <summary>
/// N environments stepped together for batched acting. Observations of all copies are written into
/// one caller-provided [N, C, H, W] buffer; rewards and flags into per-environment spans. A copy whose
/// episode ends (terminated or truncated) is reset at once, and the observation written for it is the
/// first one of its new episode; pass <c>finalObservations</c> to also get the last observation of the
/// finished episode (needed to bootstrap truncated episodes). Stepping allocates nothing.
/// </summary>
public sealed class VectorEnvironment
{
    readonly IEnvironment[] _environments;

    /// <summary>Wraps existing environments (all with the same observation shape and action count).</summary>
    /// <exception cref="ArgumentException">Empty list or mismatched shapes/action counts.</exception>
    public VectorEnvironment(IReadOnlyList<IEnvironment> environments)
    {
        ArgumentNullException.ThrowIfNull(environments);
        if (environments.Count == 0)
            throw new ArgumentException("VectorEnvironment needs at least one environment, got 0.", nameof(environments));
        _environments = [.. environments];
        Observation = _environments[0].Observation;
        ActionCount = _environments[0].ActionCount;
        for (int i = 1; i < _environments.Length; i++)
        {
            var e = _environments[i];
            if (e.Observation != Observation || e.ActionCount != ActionCount)
                throw new ArgumentException(
                    $"Environment {i} ({e.Name}: {e.Observation}, {e.ActionCount} actions) does not match environment 0 " +
                    $"({_environments[0].Name}: {Observation}, {ActionCount} actions).", nameof(environments));
        }
    }

    /// <summary>
    /// Creates <paramref name="count"/> copies of <paramref name="id"/>; copy i is seeded with
    /// <c>options.Seed + i</c>, all other options shared.
    /// </summary>
    /// <exception cref="ArgumentException">count &lt; 1, unknown id or invalid options.</exception>
    public static VectorEnvironment Create(string id, EnvironmentOptions options, int count)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (count < 1) throw new ArgumentException($"VectorEnvironment count must be >= 1, got {count}.", nameof(count));
        var environments = new IEnvironment[count];
        for (int i = 0; i < count; i++)
            environments[i] = EnvironmentFactory.Create(id, options with { Seed = checked(options.Seed + i) });
        return new VectorEnvironment(environments);
    }

    /// <summary>Number of copies N.</summary>
    public int Count => _environments.Length;

    /// <summary>The shape of one copy's observation.</summary>
    public ObservationSpec Observation { get; }

    /// <summary>Number of actions of each copy.</summary>
    public int ActionCount { get; }

    /// <summary>Copy <paramref name="i"/>.</summary>
    public IEnvironment this[int i] => _environments[i];

    /// <summary>Resets every copy and writes the N observations.</summary>
    public void Reset(Span<byte> observations) => Reset<byte, ByteObservations>(observations);

    /// <summary>Resets every copy and writes the N observations as floats.</summary>
    public void Reset(Span<float> observations) => Reset<float, FloatObservations>(observations);

    /// <summary>Writes the current N observations without stepping.</summary>
    public void Observe(Span<byte> observations) => Observe<byte, ByteObservations>(observations);

    /// <summary>Writes the current N observations as floats without stepping.</summary>
    public void Observe(Span<float> observations) => Observe<float, FloatObservations>(observations);

    /// <summary>
    /// Steps copy i with <c>actions[i]</c>; writes its reward and flags, auto-resets it when done, and
    /// writes its (post-reset) observation. If <paramref name="finalObservations"/> is not empty, the
    /// last observation of each finished episode is written there (other slots are left untouched).
    /// </summary>
    public void Step(ReadOnlySpan<int> actions, Span<byte> observations, Span<float> rewards,
        Span<bool> terminated, Span<bool> truncated, Span<byte> finalObservations = default) =>
        Step<byte, ByteObservations>(actions, observations, rewards, terminated, truncated, finalObservations);

    /// <summary>As the byte overload, for float observations (all kinds, including Features).</summary>
    public void Step(ReadOnlySpan<int> actions, Span<float> observations, Span<float> rewards,
        Span<bool> terminated, Span<bool> truncated, Span<float> finalObservations = default) =>
        Step<float, FloatObservations>(actions, observations, rewards, terminated, truncated, finalObservations);

    // The byte and float overloads share these bodies; TWriter picks IEnvironment.Observe's overload (a
    // struct type argument, so the JIT specialises each
    // instantiation: no boxing, no delegate, no allocation).
    void Reset<T, TWriter>(Span<T> observations) where TWriter : struct, IObservationWriter<T>
    {
        CheckLength(observations.Length, "observations", Count * Observation.Size);
        int size = Observation.Size;
        for (int i = 0; i < _environments.Length; i++)
        {
            _environments[i].Reset();
            TWriter.Observe(_environments[i], observations.Slice(i * size, size));
        }
    }

    void Observe<T, TWriter>(Span<T> observations) where TWriter : struct, IObservationWriter<T>
    {
        CheckLength(observations.Length, "observations", Count * Observation.Size);
        int size = Observation.Size;
        for (int i = 0; i < _environments.Length; i++) TWriter.Observe(_environments[i], observations.Slice(i * size, size));
    }

    void Step<T, TWriter>(ReadOnlySpan<int> actions, Span<T> observations, Span<float> rewards,
        Span<bool> terminated, Span<bool> truncated, Span<T> finalObservations) where TWriter : struct, IObservationWriter<T>
    {
        CheckStepBuffers(actions.Length, rewards.Length, terminated.Length, truncated.Length);
        int size = Observation.Size;
        CheckLength(observations.Length, "observations", Count * size);
        if (!finalObservations.IsEmpty) CheckLength(finalObservations.Length, "finalObservations", Count * size);
        for (int i = 0; i < _environments.Length; i++)
        {
            var env = _environments[i];
            var result = env.Step(actions[i]);
            rewards[i] = result.Reward; terminated[i] = result.Terminated; truncated[i] = result.Truncated;
            if (result.Done)
            {
                if (!finalObservations.IsEmpty) TWriter.Observe(env, finalObservations.Slice(i * size, size));
                env.Reset();
            }
            TWriter.Observe(env, observations.Slice(i * size, size));
        }
    }

    interface IObservationWriter<T>
    {
        static abstract void Observe(IEnvironment environment, Span<T> destination);
    }

    readonly struct ByteObservations : IObservationWriter<byte>
    {
        public static void Observe(IEnvironment environment, Span<byte> destination) => environment.Observe(destination);
    }

    readonly struct FloatObservations : IObservationWriter<float>
    {
        public static void Observe(IEnvironment environment, Span<float> destination) => environment.Observe(destination);
    }

    void CheckStepBuffers(int actions, int rewards, int terminated, int truncated)
    {
        CheckLength(actions, "actions", Count);
        CheckLength(rewards, "rewards", Count);
        CheckLength(terminated, "terminated", Count);
        CheckLength(truncated, "truncated", Count);
    }

    static void CheckLength(int length, string name, int needed)
    {
        if (length < needed)
            throw new ArgumentException($"VectorEnvironment: buffer '{name}' has {length} elements, needs at least {needed}.", name);
    }
}
