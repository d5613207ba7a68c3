// Micro-benchmark of one DQN update (docs/performance.md, "Q-network update"):
// target forward without autograd, online forward, gather, Huber, backward, [pull], optimizer step,
// for the MinAtar reference network and the Dopamine MinAtar network, batch 32, one thread.
// "baseline" is a straightforward TorchSharp loop (nn.Sequential, torch.optim, per-tensor pull);
// "flat" is the autograd path on this project's networks as DqnAgent.ProximalUpdate runs it (flat parameters,
// one-pass pull, then the fused optimizer step);
// "fused" is the default path (update-kernel=fused): FusedDqnUpdate.Update, hand-derived forward/backward
// with the pull folded into the optimizer's pass (ProximalOptimizer).
//
// Usage: dotnet bench/training-update/bin/Release/net10.0/training-update.dll [--updates N] [--rounds R]
//        [--threads T]

using System.Diagnostics;
using System.Globalization;
using Research.DeepAgents.Agents;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Networks;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Replay;
using Research.DeepAgents.Torch;
using TorchSharp;
using static TorchSharp.torch;

var updates = Argument("--updates", 1000);
var rounds = Argument("--rounds", 7);
var threads = Argument("--threads", 1);
TorchRuntime.Initialize(threads);

const int Batch = 32;
const int Channels = 4;  // Breakout
const int Actions = 6;
var observation = new ObservationSpec(Channels, 10, 10, ObservationKind.Binary);
var batches = MakeBatches(8, seed: 1);

Console.WriteLine($"One DQN update, batch {Batch}, {Channels}x10x10 binary input, {Actions} actions, {TorchRuntime.Threads} thread(s); " +
                  $"median over {rounds} rounds of {updates} updates (after warm-up).");
Console.WriteLine();
Console.WriteLine("Times are thread CPU time (the machine is shared; wall time is noisier), microseconds per update.");
Console.WriteLine();
Console.WriteLine("| network | optimizer | path | DQN | DQN Pro (c~ = 0.2) | Pro overhead |");
Console.WriteLine("|---|---|---|---:|---:|---:|");
foreach (var kind in new[] { NetworkKind.MinAtarReference, NetworkKind.DopamineMinAtar })
{
    foreach (var (optName, config) in new (string, OptimizerConfig)[] { ("Adam", OptimizerConfig.DopamineMinAtarDqn), ("RMSProp", OptimizerConfig.MinAtarReferenceDqn) })
    {
        // The four variants run interleaved, round by round, so that load changes hit all of them.
        var t = MeasureInterleaved(
            BaselineUpdate(kind, optName, pro: false), BaselineUpdate(kind, optName, pro: true),
            FlatUpdate(kind, config, pro: false), FlatUpdate(kind, config, pro: true),
            FusedUpdate(kind, config, pro: false), FusedUpdate(kind, config, pro: true));
        Row(kind, optName, "baseline", t[0], t[1]);
        Row(kind, optName, "flat", t[2], t[3]);
        Row(kind, optName, "fused", t[4], t[5]);
    }
}

Console.WriteLine();
Console.WriteLine("Parts of the flat path (MinAtar reference, Adam), us per call:");
foreach (var (name, action) in Parts(NetworkKind.MinAtarReference, OptimizerConfig.DopamineMinAtarDqn))
    Console.WriteLine($"  {name,-38} {MeasureInterleaved(action)[0],8:F1}");
return 0;

static void Row(NetworkKind kind, string opt, string path, double dqn, double pro) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {kind} | {opt} | {path} | {dqn:F0} | {pro:F0} | {100 * (pro - dqn) / dqn:+0.0;-0.0}% |"));

// Median over rounds of the mean thread-CPU time per call (microseconds) of each action, after
// warm-up; the actions alternate round by round.
double[] MeasureInterleaved(params Action[] actions)
{
    foreach (var a in actions)
        for (var i = 0; i < Math.Max(200, updates / 5); i++) a();
    var perRound = new double[actions.Length][];
    for (var k = 0; k < actions.Length; k++) perRound[k] = new double[rounds];
    for (var r = 0; r < rounds; r++)
    {
        for (var k = 0; k < actions.Length; k++)
        {
            GC.Collect();
            var start = ThreadCpu.Microseconds();
            for (var i = 0; i < updates; i++) actions[k]();
            perRound[k][r] = (ThreadCpu.Microseconds() - start) / updates;
        }
    }
    return perRound.Select(x =>
    {
        Array.Sort(x);
        return x[x.Length / 2];
    }).ToArray();
}

Batch[] MakeBatches(int count, long seed)
{
    using var g = new Generator((ulong)seed, CPU);
    var result = new Batch[count];
    for (var i = 0; i < count; i++)
    {
        var obs = torch.rand([Batch, Channels, 10, 10], generator: g).lt(0.1).to_type(ScalarType.Float32);
        var next = torch.rand([Batch, Channels, 10, 10], generator: g).lt(0.1).to_type(ScalarType.Float32);
        var actions = torch.randint(0, Actions, [Batch, 1], generator: g);
        var rewards = torch.rand([Batch], generator: g).lt(0.2).to_type(ScalarType.Float32);
        var notDone = torch.rand([Batch], generator: g).gt(0.05).to_type(ScalarType.Float32);
        result[i] = new Batch(obs, next, actions, rewards, notDone);
        foreach (var t in new[] { obs, next, actions, rewards, notDone }) t.DetachFromDisposeScope();
    }
    return result;
}

// TD target r + gamma (1 - done) max_a' Q_target(s', a'), without autograd.
static Tensor TdTarget(nn.Module<Tensor, Tensor> target, Batch b)
{
    using var _ = no_grad();
    var nextQ = target.forward(b.Next).amax([1]);
    return b.Rewards.addcmul(b.NotDone, nextQ, 0.99);
}

Action FlatUpdate(NetworkKind kind, OptimizerConfig config, bool pro)
{
    var online = QNetworkFactory.Create(kind, observation, Actions, seed: 3);
    var target = QNetworkFactory.CreateTarget(online);
    var optimizer = Optimizers.Create(config, online);
    var pull = pro ? new ProximalPull(online, target, 0.2, config.LearningRate) : null;
    var step = 0;
    return () =>
    {
        var b = batches[step++ % batches.Length];
        using var scope = NewDisposeScope();
        var y = TdTarget(target, b);
        var q = online.forward(b.Observations).gather(1, b.Actions).squeeze(1);
        var loss = Losses.HuberMean(q, y);
        optimizer.ZeroGrad();
        loss.backward();
        pull?.Apply();
        optimizer.Step();
    };
}

// The default path: FusedDqnUpdate.Update (sparse conv + BLAS products, no
// autograd) and, for Pro, the pull inside the optimizer pass.
Action FusedUpdate(NetworkKind kind, OptimizerConfig config, bool pro)
{
    var online = QNetworkFactory.Create(kind, observation, Actions, seed: 3);
    var target = QNetworkFactory.CreateTarget(online);
    var inner = Optimizers.Create(config, online);
    IOptimizer optimizer = pro ? new ProximalOptimizer(inner, new ProximalPull(online, target, 0.2, config.LearningRate)) : inner;
    var update = new FusedDqnUpdate(online, target, Batch);
    var replay = batches.Select(ToReplayBatch).ToArray();
    var step = 0;
    return () => update.Update(replay[step++ % replay.Length], 0.99, 1.0, 0.0, optimizer);
}

static ReplayBatch ToReplayBatch(Batch b)
{
    var r = new ReplayBatch(Batch, Channels * 100);
    b.Observations.data<float>().CopyTo(r.Observations);
    b.Next.data<float>().CopyTo(r.NextObservations);
    b.Actions.data<long>().CopyTo(r.Actions);
    b.Rewards.data<float>().CopyTo(r.Rewards);
    using var terminals = 1 - b.NotDone;
    terminals.data<float>().CopyTo(r.Terminals);
    return r;
}

Action BaselineUpdate(NetworkKind kind, string optName, bool pro)
{
    nn.Module<Tensor, Tensor> Build()
    {
        torch.random.manual_seed(3);
        return kind == NetworkKind.MinAtarReference
            ? nn.Sequential(nn.Conv2d(Channels, 16, 3), nn.ReLU(), nn.Flatten(), nn.Linear(1024, 128), nn.ReLU(), nn.Linear(128, Actions))
            : nn.Sequential(nn.Conv2d(Channels, 16, 3, padding: Padding.Same), nn.ReLU(), nn.Flatten(), nn.Linear(1600, Actions));
    }
    var online = Build();
    var target = Build();
    foreach (var p in target.parameters()) p.requires_grad = false;
    var onlineParams = online.parameters().ToArray();
    var targetParams = target.parameters().ToArray();
    optim.Optimizer optimizer = optName == "Adam"
        ? optim.Adam(online.parameters(), lr: 2.5e-4, eps: 3.125e-4)
        : optim.RMSProp(online.parameters(), lr: 2.5e-4, alpha: 0.95, eps: 0.01, centered: true);
    var mu = 2.5e-4 / 0.2;
    var step = 0;
    return () =>
    {
        var b = batches[step++ % batches.Length];
        using var scope = NewDisposeScope();
        var y = TdTarget(target, b);
        var q = online.forward(b.Observations).gather(1, b.Actions).squeeze(1);
        var loss = nn.functional.smooth_l1_loss(q, y);
        optimizer.zero_grad();
        loss.backward();
        if (pro)
        {
            using var _ = no_grad();
            for (var i = 0; i < onlineParams.Length; i++) onlineParams[i].mul_(1 - mu).add_(targetParams[i], mu);
        }
        optimizer.step();
    };
}

IEnumerable<(string, Action)> Parts(NetworkKind kind, OptimizerConfig config)
{
    var online = QNetworkFactory.Create(kind, observation, Actions, seed: 3);
    var target = QNetworkFactory.CreateTarget(online);
    var optimizer = Optimizers.Create(config, online);
    var pull = new ProximalPull(online, target, 0.2, config.LearningRate);
    var b = batches[0];
    yield return ("target forward (no_grad) + TD target", () =>
    {
        using var scope = NewDisposeScope();
        TdTarget(target, b);
    });
    yield return ("online forward + gather + Huber", () =>
    {
        using var scope = NewDisposeScope();
        Losses.HuberMean(online.forward(b.Observations).gather(1, b.Actions).squeeze(1), b.Rewards);
    });
    yield return ("online forward + Huber + backward", () =>
    {
        using var scope = NewDisposeScope();
        optimizer.ZeroGrad();
        Losses.HuberMean(online.forward(b.Observations).gather(1, b.Actions).squeeze(1), b.Rewards).backward();
    });
    yield return ("optimizer step (Adam, flat)", optimizer.Step);
    yield return ("proximal pull (one pass)", pull.Apply);
    var fused = new FusedDqnUpdate(online, target, Batch);
    var replay = ToReplayBatch(b);
    yield return ("fused: loss + gradient (no optimizer)", () => fused.LossAndGradient(replay, 0.99, 1.0, 0.0));
    yield return ("fused: acting (one observation)", () => fused.GreedyAction(replay.Observations.AsSpan(0, Channels * 100)));
    yield return ("acting: forward of one observation", () =>
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        online.forward(b.Observations.narrow(0, 0, 1)).argmax(1).item<long>();
    });
}

int Argument(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) && v > 0 ? v : fallback;
}

internal sealed record Batch(Tensor Observations, Tensor Next, Tensor Actions, Tensor Rewards, Tensor NotDone);

/// <summary>CPU time of the calling thread (Linux: CLOCK_THREAD_CPUTIME_ID; elsewhere wall time).</summary>
internal static class ThreadCpu
{
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    public static double Microseconds()
    {
        if (!OperatingSystem.IsLinux()) return Stopwatch.GetTimestamp() * 1e6 / Stopwatch.Frequency;
        ClockGetTime(3, out var t);  // CLOCK_THREAD_CPUTIME_ID
        return t.Seconds * 1e6 + t.Nanoseconds / 1e3;
    }
}
