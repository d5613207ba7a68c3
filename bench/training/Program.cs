using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using Research.DeepAgents.Agents;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Torch;
using Research.DeepAgents.Training;
using Research.Bench.Training;
using Research.RunFormat;

// Training throughput, single thread (docs/performance.md, "Training throughput").
//   synthetic STEPS REPEATS : the side-by-side workload of reference_dqn.py (MinAtar reference network and
//                             protocol, one update per step, random 10x10x4 binary
//                             env); DQN and DQN Pro alternate.
//   endtoend FRAMES PRESET [AGENTS] : the real loop (Trainer) on minatar:breakout for each agent (default
//                             dqn,dqn-pro; rainbow,rainbow-pro for Rainbow); reports frames/s after
//                             learning has started (from metrics/throughput.csv).
//   rainbow-overhead UPDATES : Rainbow and Rainbow Pro updates interleaved (minatar-dopamine Rainbow preset).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
TorchRuntime.Initialize(1);
string mode = args.Length > 0 ? args[0] : "synthetic";
if (mode == "synthetic")
{
    int steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3000;
    int repeats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
    var dqn = new List<double>();
    var pro = new List<double>();
    for (int r = 0; r < repeats; r++)
    {
        dqn.Add(Synthetic("dqn", steps, r));
        pro.Add(Synthetic("dqn-pro", steps, r));
        Console.WriteLine($"repeat {r + 1}: dqn {dqn[^1]:F0} steps/s, dqn-pro {pro[^1]:F0} steps/s");
    }
    double md = Median(dqn), mp = Median(pro);
    Console.WriteLine($"synthetic (one update per step, batch 32): dqn median {md:F0} steps/s, dqn-pro median {mp:F0} steps/s, Pro overhead {100 * (md / mp - 1):F1}%");
}
else if (mode == "endtoend")
{
    long frames = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 20000;
    string preset = args.Length > 2 ? args[2] : "minatar-reference";
    string[] agentNames = args.Length > 3 ? args[3].Split(',') : ["dqn", "dqn-pro"];
    foreach (var agent in agentNames)
    {
        var config = ConfigOverrides.Apply(Presets.Get(preset, agent), [
            $"agent={agent}", $"total-steps={frames}", "eval-period=0", "checkpoint-period=0", "tensor-board=false",
            "throughput-log-period=1000", "environment=minatar:breakout"]);
        string dir = Path.Combine(Path.GetTempPath(), "prox-bench", $"{preset}-{agent}-{Guid.NewGuid():N}");
        using (var trainer = Trainer.Start(config, dir)) trainer.Train();
        // steps/s over the rows written after learning started (exclude the cheap warm-up).
        var rows = new List<(long Step, double Wall)>();
        using (var csv = CsvReader.Create(File.OpenRead(Path.Combine(dir, RunLayout.MetricsFolder, ThroughputCsv.File.Name)),
                   CsvDialect.Reader with { HasHeader = true }))
            while (csv.Read())
                rows.Add((csv.Parse<long>(ThroughputCsv.Step), csv.Parse<double>(ThroughputCsv.WallSeconds)));
        long start = Math.Max(config.MinReplayHistory + 1000, frames / 4);
        var first = rows.First(r => r.Step >= start);
        var last = rows[^1];
        double fps = (last.Step - first.Step) / (last.Wall - first.Wall);
        Console.WriteLine($"{preset} {agent}: {fps:F0} frames/s (frames {first.Step}..{last.Step}, after learning started)");
        Directory.Delete(dir, recursive: true);
    }
}
else if (mode == "overhead")
{
    // DQN and DQN Pro updates interleaved one by one in one process, so machine load hits both alike.
    int updates = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
    string preset = args.Length > 2 ? args[2] : "minatar-reference";
    var env = new SyntheticEnvironment(7);
    var agents = new[] { "dqn", "dqn-pro" }.Select(name => new DqnAgent(
        AgentFactory.DqnSettingsOf(ConfigOverrides.Apply(Presets.Get(preset), [$"agent={name}", "c-tilde=0.2", "min-replay-history=1000000"])),
        env.Observation, env.ActionCount)).ToArray();
    FillReplay(env, agents, 2000);
    var (d, p) = InterleavedUpdateMedians(() => agents[0].Update(), () => agents[1].Update(), updates);
    Console.WriteLine($"{preset} network, interleaved updates: dqn median {d:F3} ms, dqn-pro median {p:F3} ms per update, Pro overhead {100 * (p / d - 1):F1}% ({updates} updates each)");
    foreach (var a in agents) a.Dispose();
}
else if (mode == "rainbow-overhead")
{
    // Rainbow and Rainbow Pro (c~ 0.05) updates interleaved one by one, on the minatar-dopamine Rainbow
    // preset's network and batch, replay filled with 2000 steps of the synthetic
    // environment (no updates while filling).
    int updates = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000;
    var env = new SyntheticEnvironment(7);
    var agents = new[] { "rainbow", "rainbow-pro" }.Select(name => new RainbowAgent(
        AgentFactory.RainbowSettingsOf(ConfigOverrides.Apply(Presets.Get("minatar-dopamine", name), ["c-tilde=0.05", "min-replay-history=1000000"])),
        env.Observation, env.ActionCount)).ToArray();
    FillReplay(env, agents, 2000);
    var (d, p) = InterleavedUpdateMedians(() => agents[0].Update(), () => agents[1].Update(), updates);
    Console.WriteLine($"minatar-dopamine Rainbow (C51, n-step, PER), interleaved updates: rainbow median {d:F3} ms, rainbow-pro median {p:F3} ms per update, Pro overhead {100 * (p / d - 1):F1}% ({updates} updates each)");
    foreach (var a in agents) a.Dispose();
}
else
{
    Console.Error.WriteLine("usage: synthetic [STEPS] [REPEATS] | endtoend [FRAMES] [PRESET] [AGENTS] | overhead [UPDATES] [PRESET] | rainbow-overhead [UPDATES]");
    return 2;
}
return 0;

static double Synthetic(string agentName, int steps, int repeat)
{
    const int warmup = 1000;
    var config = ConfigOverrides.Apply(Presets.MinAtarReference, [
        $"agent={agentName}", "c-tilde=0.2", $"min-replay-history={warmup}", $"epsilon-warmup-steps={warmup}", $"seed={repeat}"]);
    var env = new SyntheticEnvironment((ulong)repeat + 1);
    env.Reset();
    using var agent = new DqnAgent(AgentFactory.DqnSettingsOf(config), env.Observation, env.ActionCount);
    var obs = new float[env.Observation.Size];
    env.Observe(obs);
    agent.BeginEpisode(obs);
    var clock = new Stopwatch();
    for (int t = 0; t < warmup + steps; t++)
    {
        if (t == warmup) clock.Start();
        int a = agent.SelectAction(obs);
        var r = env.Step(a);
        env.Observe(obs);
        agent.Observe(a, r.Reward, r.Terminated, obs);
        if (r.Done)
        {
            env.Reset();
            env.Observe(obs);
            agent.BeginEpisode(obs);
        }
    }
    return steps / clock.Elapsed.TotalSeconds;
}

// Feeds the same steps of the synthetic environment to every agent; their presets' warm-up
// (min-replay-history) is set above the step count, so this only fills replay and never updates.
static void FillReplay(SyntheticEnvironment env, IReadOnlyList<IAgent> agents, int steps)
{
    var obs = new float[env.Observation.Size];
    env.Reset();
    env.Observe(obs);
    foreach (var a in agents) a.BeginEpisode(obs);
    for (int t = 0; t < steps; t++)
    {
        var r = env.Step(t % 6);
        env.Observe(obs);
        foreach (var a in agents) a.Observe(t % 6, r.Reward, r.Terminated, obs);
        if (r.Done) { env.Reset(); env.Observe(obs); foreach (var a in agents) a.BeginEpisode(obs); }
    }
}

// Times two update functions interleaved one call at a time, alternating which goes first (no first-mover
// bias; load changes hit both alike); returns the median milliseconds per call after `warmup` rounds.
static (double First, double Second) InterleavedUpdateMedians(Action first, Action second, int updates, int warmup = 100)
{
    var times = new[] { new List<double>(), new List<double>() };
    var calls = new[] { first, second };
    var clock = new Stopwatch();
    for (int i = 0; i < updates + warmup; i++)
        foreach (int k in i % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 })
        {
            clock.Restart();
            calls[k]();
            if (i >= warmup) times[k].Add(clock.Elapsed.TotalMilliseconds);
        }
    return (Median(times[0]), Median(times[1]));
}

static double Median(List<double> xs)
{
    var s = xs.OrderBy(x => x).ToArray();
    return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
}
