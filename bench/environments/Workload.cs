using Research.DeepAgents.Environments;
using Research.Random;

namespace Research.Bench.Environments;

/// <summary>
/// The measured loop, shared by the BenchmarkDotNet benchmarks and the quick Stopwatch mode: per step,
/// an action from a precomputed random array, <c>Step</c>, <c>Observe</c> into a byte buffer, and
/// <c>Reset</c> when the episode is over. Default MinAtar options (sticky 0.1, ramping on), seed 0.
/// Feature observations (CartPole) are written into a float buffer instead.
/// </summary>
public sealed class SingleWorkload
{
    /// <summary>Length of the precomputed action array (a power of two).</summary>
    public const int ActionCount = 1 << 16;

    private readonly IEnvironment _env;
    private readonly int[] _actions;
    private readonly byte[] _observation;
    private readonly float[] _features;
    private int _next;

    /// <summary>
    /// Creates environment <paramref name="id"/> (e.g. <c>minatar:breakout</c>) with seed 0.
    /// </summary>
    public SingleWorkload(string id)
    {
        _env = EnvironmentFactory.Create(id, new EnvironmentOptions(Seed: 0));
        _actions = RandomActions(_env.ActionCount, ActionCount, seed: 1);
        bool features = _env.Observation.Kind == ObservationKind.Features;
        _observation = new byte[features ? 0 : _env.Observation.Size];
        _features = new float[features ? _env.Observation.Size : 0];
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps; returns the summed reward (so the work is not dead code).
    /// With <paramref name="observe"/> false only <c>Step</c> (and <c>Reset</c>) run: the split between
    /// stepping and writing observations.
    /// </summary>
    public float Run(int steps, bool observe = true)
    {
        float total = 0;
        var env = _env;
        var actions = _actions;
        var observation = _observation.AsSpan();
        var features = _features.AsSpan();
        bool bytes = !observation.IsEmpty;
        int next = _next;
        if (!observe)
        {
            for (int i = 0; i < steps; i++)
            {
                var result = env.Step(actions[next]);
                next = (next + 1) & (ActionCount - 1);
                total += result.Reward;
                if (result.Done) env.Reset();
            }
            _next = next;
            return total;
        }
        for (int i = 0; i < steps; i++)
        {
            var result = env.Step(actions[next]);
            next = (next + 1) & (ActionCount - 1);
            if (bytes) env.Observe(observation);
            else env.Observe(features);
            total += result.Reward;
            if (result.Done) env.Reset();
        }
        _next = next;
        return total;
    }

    /// <summary>
    /// Writes the current observation <paramref name="times"/> times (no
    /// stepping): the cost of <c>Observe</c> alone.
    /// </summary>
    public float ObserveOnly(int times)
    {
        var observation = _observation.AsSpan();
        for (int i = 0; i < times; i++) _env.Observe(observation);
        return observation[0];
    }

    /// <summary>Uniform actions from a seeded MT19937 stream.</summary>
    public static int[] RandomActions(int actionCount, int length, uint seed)
    {
        var random = new Mt19937(seed);
        var actions = new int[length];
        for (int i = 0; i < length; i++) actions[i] = random.RandInt(0, actionCount);
        return actions;
    }
}

/// <summary>
/// The vectorised loop: N copies stepped together with auto-reset, observations into one [N, C, H, W] buffer.
/// </summary>
public sealed class VectorWorkload
{
    private readonly VectorEnvironment _env;
    private readonly int[] _actions;
    private readonly byte[] _observations;
    private readonly float[] _rewards;
    private readonly bool[] _terminated, _truncated;
    private int _next;

    /// <summary>
    /// Creates <paramref name="count"/> copies of <paramref name="id"/> (seeds 0..count-1).
    /// </summary>
    public VectorWorkload(string id, int count)
    {
        _env = VectorEnvironment.Create(id, new EnvironmentOptions(Seed: 0), count);
        _actions = SingleWorkload.RandomActions(_env.ActionCount, SingleWorkload.ActionCount, seed: 1);
        _observations = new byte[count * _env.Observation.Size];
        _rewards = new float[count];
        _terminated = new bool[count];
        _truncated = new bool[count];
        _env.Reset(_observations);
    }

    /// <summary>Copies N.</summary>
    public int Count => _env.Count;

    /// <summary>Runs <paramref name="vectorSteps"/> batched steps (each N environment steps).</summary>
    public float Run(int vectorSteps)
    {
        int n = _env.Count;
        float total = 0;
        for (int i = 0; i < vectorSteps; i++)
        {
            if (_next + n > SingleWorkload.ActionCount) _next = 0;
            _env.Step(_actions.AsSpan(_next, n), _observations, _rewards, _terminated, _truncated);
            _next += n;
            total += _rewards[0];
        }
        return total;
    }
}
