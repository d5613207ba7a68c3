using BenchmarkDotNet.Attributes;

namespace Research.Bench.Environments;

// BenchmarkDotNet needs public, non-sealed benchmark classes.

/// <summary>
/// One environment: 1000 steps (act + Observe into bytes + reset on episode end) per invocation.
/// </summary>
[MemoryDiagnoser]
public class SingleEnvironmentBenchmarks
{
    private SingleWorkload _workload = null!;

    /// <summary>Environment id.</summary>
    [Params("minatar:asterix", "minatar:breakout", "minatar:freeway", "minatar:seaquest", "minatar:space_invaders", "cartpole")]
    public string Id { get; set; } = "";

    /// <summary>Creates the environment and the action array.</summary>
    [GlobalSetup]
    public void Setup() => _workload = new SingleWorkload(Id);

    /// <summary>One operation = one environment step.</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public float Step() => _workload.Run(1000);
}

/// <summary>
/// N environments stepped together: 3200/N batched steps per
/// invocation; one operation = one environment step.
/// </summary>
[MemoryDiagnoser]
public class VectorEnvironmentBenchmarks
{
    private VectorWorkload _workload = null!;

    /// <summary>Environment id.</summary>
    [Params("minatar:asterix", "minatar:breakout", "minatar:freeway", "minatar:seaquest", "minatar:space_invaders")]
    public string Id { get; set; } = "";

    /// <summary>Number of copies.</summary>
    [Params(8, 32)]
    public int N { get; set; }

    /// <summary>Creates the vector environment.</summary>
    [GlobalSetup]
    public void Setup() => _workload = new VectorWorkload(Id, N);

    /// <summary>3200 environment steps (8 and 32 both divide it), reported per environment step.</summary>
    [Benchmark(OperationsPerInvoke = 3200)]
    public float Step() => _workload.Run(3200 / N);
}
