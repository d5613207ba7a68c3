using Research.DeepAgents.Environments;
using Research.DeepAgents.Training;
using Research.Random;

namespace Research.Bench.Training;

/// <summary>
/// The side-by-side workload shared with reference_dqn.py: 10x10x4 binary observations redrawn each step with
/// every cell set with probability 1/16 (MinAtar-like: Breakout has ~8% of its cells set, Seaquest ~3%), 6
/// actions, reward 0 or 1 at random, terminal every 100 steps. It costs almost nothing, so the loop measures
/// the agent (acting, replay, updates).
/// </summary>
public sealed class SyntheticEnvironment(ulong seed) : IEnvironment
{
    readonly Xoshiro256 _random = new(seed);
    readonly byte[] _state = new byte[400];
    int _t;

    public string Name => "synthetic";
    public ObservationSpec Observation { get; } = new(4, 10, 10, ObservationKind.Binary);
    public int ActionCount => 6;

    public void Reset()
    {
        _t = 0;
        Fill();
    }

    public StepResult Step(int action)
    {
        _t++;
        Fill();
        return new StepResult((float)(_random.NextUInt64() & 1), _t >= 100, false);
    }

    public void Observe(Span<float> destination)
    {
        for (int i = 0; i < _state.Length; i++) destination[i] = _state[i];
    }

    public void Observe(Span<byte> destination) => _state.CopyTo(destination);

    void Fill()
    {
        for (int i = 0; i < _state.Length; i += 64)
        {
            // A bit set in all of four random words: probability 1/16 per cell.
            ulong bits = _random.NextUInt64() & _random.NextUInt64() & _random.NextUInt64() & _random.NextUInt64();
            for (int j = 0; j < 64 && i + j < _state.Length; j++) _state[i + j] = (byte)((bits >> j) & 1);
        }
    }
}
