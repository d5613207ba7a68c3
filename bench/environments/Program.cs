using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;

namespace Research.Bench.Environments;

/// <summary>
/// <c>--quick</c>: a Stopwatch table of steps/s per game (single environment, and vectorised with N = 8
/// and 32): the median and the best of 5 runs of <c>--seconds</c> (default 1) after a warm-up. On a
/// shared machine the best run is the closer estimate of the code's speed; the median shows the noise.
/// The last column divides by this process's CPU time instead of wall-clock time (what the code costs
/// when it has a core; on a loaded machine the wall-clock rate is lower). <c>--quick --split</c>
/// separates the cost of <c>Step</c> and <c>Observe</c> per game. Any other arguments go to
/// BenchmarkDotNet, run in-process (no generated project is built, so it needs no build lock).
/// </summary>
public static class Program
{
    /// <summary>MinAtar reference speeds quoted in ../shared/notes/toolchain.md (Python, this machine).</summary>
    private const double ReferenceSlowest = 40_000, ReferenceFastest = 390_000;

    private static readonly string[] Games = ["asterix", "breakout", "freeway", "seaquest", "space_invaders"];

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Contains("--quick"))
        {
            double seconds = 1.0;
            int at = Array.IndexOf(args, "--seconds");
            if (at >= 0 && at + 1 < args.Length) seconds = double.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture);
            if (args.Contains("--split")) Split(seconds);
            else Quick(seconds);
            return 0;
        }
        // In-process: BenchmarkDotNet builds no generated project (builds here go through a shared lock).
        string[] benchmarkArgs = args.Contains("--inProcess") ? args : [.. args, "--inProcess"];
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(benchmarkArgs);
        return 0;
    }

    private static void Quick(double seconds)
    {
        Console.WriteLine($"# {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores");
        Console.WriteLine($"# 5 runs of ~{seconds:0.#} s each after a warm-up (median and best); steps/s = environment steps per second");
        Console.WriteLine($"# ratio vs the Python reference range {ReferenceSlowest / 1000:0}k-{ReferenceFastest / 1000:0}k steps/s");
        Console.WriteLine();
        Console.WriteLine($"{"environment",-24} {"mode",-8} {"median steps/s",15} {"best steps/s",13} {"ns/step",8} {"x 40k",6} {"x 390k",7} {"alloc B/step",13} {"best steps/CPU-s",17}");
        foreach (var id in Games.Select(g => "minatar:" + g).Append("cartpole"))
        {
            var single = new SingleWorkload(id);
            Report(id, "single", Measure(n => single.Run(n), 1, seconds));
        }
        foreach (int n in new[] { 8, 32 })
            foreach (var game in Games)
            {
                var vector = new VectorWorkload("minatar:" + game, n);
                Report("minatar:" + game, $"N={n}", Measure(k => vector.Run(k), n, seconds));
            }
    }

    /// <summary>
    /// <c>--quick --split</c>: per game, steps/s of <c>Step</c> alone and of <c>Step</c> + <c>Observe</c>
    /// (bytes), and the implied cost of one <c>Observe</c> (difference of the best ns/step).
    /// </summary>
    private static void Split(double seconds)
    {
        Console.WriteLine($"# {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} logical cores; best of 5 runs of ~{seconds:0.#} s");
        Console.WriteLine("# rates per CPU-second of this process (the machine is shared; wall-clock rates are lower under load)");
        Console.WriteLine($"{"environment",-24} {"step only/s",13} {"step+obs/s",13} {"ns step",8} {"ns obs",7} {"ns obs only",12}");
        var stream = new Research.DeepAgents.Random.Mt19937(0);
        var draws = Measure(n => { double t = 0; for (int i = 0; i < n; i++) t += stream.NextDouble(); return (float)t; }, 1, seconds);
        Console.WriteLine($"# one sticky draw (Mt19937.NextDouble): {1e9 / draws.BestPerCpuSecond:0.0} ns");
        foreach (var game in Games)
        {
            var single = new SingleWorkload("minatar:" + game);
            var stepOnly = Measure(n => single.Run(n, observe: false), 1, seconds);
            var both = Measure(n => single.Run(n), 1, seconds);
            single.Run(100); // a state some steps into the episode
            var observeOnly = Measure(n => single.ObserveOnly(n), 1, seconds);
            double s = stepOnly.BestPerCpuSecond, b = both.BestPerCpuSecond, o = observeOnly.BestPerCpuSecond;
            Console.WriteLine($"{"minatar:" + game,-24} {s,13:N0} {b,13:N0} {1e9 / s,8:0.0} {1e9 / b - 1e9 / s,7:0.0} {1e9 / o,12:0.0}");
        }
    }

    /// <summary>(median and best steps/s, allocated bytes per step) of <paramref name="run"/>, which performs k batched calls of <paramref name="width"/> steps.</summary>
    private static (double Median, double Best, double BytesPerStep, double BestPerCpuSecond) Measure(Func<int, float> run, int width, double seconds)
    {
        // Warm up (tiered JIT) and size a chunk to ~50 ms.
        int chunk = 1024;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < 0.3) run(chunk);
        for (sw.Restart(), run(chunk); sw.Elapsed.TotalMilliseconds < 50; sw.Restart(), run(chunk)) chunk *= 2;

        var rates = new List<double>();
        double bestPerCpu = 0;
        using var process = Process.GetCurrentProcess();
        long allocated = 0, steps = 0;
        float sink = 0;
        for (int rep = 0; rep < 5; rep++)
        {
            long done = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            sw.Restart();
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                sink += run(chunk);
                done += (long)chunk * width;
            }
            double elapsed = sw.Elapsed.TotalSeconds;
            process.Refresh();
            double cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            if (cpu > 0) bestPerCpu = Math.Max(bestPerCpu, done / cpu);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            steps += done;
            rates.Add(done / elapsed);
        }
        GC.KeepAlive(sink);
        rates.Sort();
        return (rates[rates.Count / 2], rates[^1], (double)allocated / steps, bestPerCpu);
    }

    /// <summary>One table row; ns/step and the ratios use the best run.</summary>
    private static void Report(string id, string mode, (double Median, double Best, double BytesPerStep, double BestPerCpuSecond) m) =>
        Console.WriteLine($"{id,-24} {mode,-8} {m.Median,15:N0} {m.Best,13:N0} {1e9 / m.Best,8:0.0} {m.Best / ReferenceSlowest,6:0} {m.Best / ReferenceFastest,7:0.0} {m.BytesPerStep,13:0.000} {m.BestPerCpuSecond,17:N0}");
}
