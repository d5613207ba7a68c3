using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Running;

namespace Research.Bench.Environments;

/// <summary>
/// <c>--quick</c>: a Stopwatch table of steps/s per game (single environment, and vectorised with N = 8
/// and 32): the median and the best of 5 runs of <c>--seconds</c> (default 1) after a warm-up. On a
/// shared machine the best run is the closer estimate of the code's speed; the median shows the noise.
/// The last column divides by this process's CPU time instead of wall-clock time (what the code costs
/// when it has a core; on a loaded machine the wall-clock rate is lower); each MinAtar row also prints
/// its ratio to the game's Python reference figure and whether it reaches the 100x target.
/// <c>--quick --split</c> separates the cost of <c>Step</c> and <c>Observe</c> per game;
/// <c>--games a,b</c> restricts the games and <c>--single</c> skips the vectorised rows.
/// <c>--windows [N]</c>: per game, the fastest of N (default 400) windows of 5000 single-environment steps
/// (and the 10th percentile and median): on a shared host, noise comes in bursts, and the fastest short
/// window is the closest estimate of the code's own speed; compared with the Python reference measured the
/// same way (<c>bench/environments/reference_windows.py</c>). Measure one game per process
/// (<c>--games g</c>): games measured later in a shared process run the workload loop after its call sites
/// have seen other game types, which costs Seaquest 2-3 ns per step. <c>--resize [ROUNDS]</c>: the Atari
/// 84 x 84 area resize, accelerated against reference (<see cref="ResizeBench"/>). Any other arguments go to
/// BenchmarkDotNet, run in-process (no generated project is built, so it needs no build lock).
/// </summary>
public static class Program
{
    /// <summary>
    /// The Python reference (kenjyoung/MinAtar 1.0.15 with numpy 1.24.2, run locally on this machine; see
    /// docs/performance.md, "Environments"): steps per CPU-second of <c>act</c> + <c>state()</c>, random
    /// actions, default options (sticky 0.1, ramping on), reset on terminal; best of 5 x 2 s.
    /// The target (issue 3) is 100x this per game.
    /// </summary>
    private static readonly Dictionary<string, double> Reference = new()
    {
        ["asterix"] = 272_112,
        ["breakout"] = 340_453,
        ["freeway"] = 122_426,
        ["seaquest"] = 188_463,
        ["space_invaders"] = 28_131,
    };

    /// <summary>
    /// The same reference measured like <c>--windows</c> (<c>bench/environments/reference_windows.py</c>):
    /// act + <c>state()</c> steps per second in the fastest of 100 windows of 5000 steps, the fastest of
    /// every reference run on 2026-12-02 (13 runs of all games, 30 of Seaquest; docs/performance.md).
    /// </summary>
    private static readonly Dictionary<string, double> ReferenceWindows = new()
    {
        ["asterix"] = 266_445,
        ["breakout"] = 328_174,
        ["freeway"] = 122_628,
        ["seaquest"] = 212_937,
        ["space_invaders"] = 26_155,
    };

    /// <summary>The factor over <see cref="Reference"/> the issue asks for.</summary>
    private const double TargetFactor = 100;

    private static readonly string[] AllGames = ["asterix", "breakout", "freeway", "seaquest", "space_invaders"];

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Contains("--resize"))
        {
            int at = Array.IndexOf(args, "--resize");
            ResizeBench.Run(at + 1 < args.Length && int.TryParse(args[at + 1], out int r) ? r : 2000);
            return 0;
        }
        if (args.Contains("--quick"))
        {
            double seconds = 1.0;
            int at = Array.IndexOf(args, "--seconds");
            if (at >= 0 && at + 1 < args.Length) seconds = double.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture);
            // --games a,b: only these MinAtar games (and no CartPole row).
            int gamesAt = Array.IndexOf(args, "--games");
            string[] games = gamesAt >= 0 && gamesAt + 1 < args.Length ? args[gamesAt + 1].Split(',') : AllGames;
            bool singleOnly = args.Contains("--single");
            if (args.Contains("--windows"))
            {
                int w = Array.IndexOf(args, "--windows");
                int count = w + 1 < args.Length && int.TryParse(args[w + 1], out int c) ? c : 400;
                Windows(count, games);
            }
            else if (args.Contains("--split")) Split(seconds, games);
            else Quick(seconds, games, withCartPole: gamesAt < 0, vectorised: !singleOnly);
            return 0;
        }
        // In-process: BenchmarkDotNet builds no generated project (builds here go through a shared lock).
        string[] benchmarkArgs = args.Contains("--inProcess") ? args : [.. args, "--inProcess"];
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(benchmarkArgs);
        return 0;
    }

    private static void Quick(double seconds, string[] games, bool withCartPole, bool vectorised)
    {
        Console.WriteLine($"# {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores");
        Console.WriteLine($"# 5 runs of ~{seconds:0.#} s each after a warm-up (median and best); steps/s = environment steps per second");
        Console.WriteLine("# per CPU-s = steps per CPU-second of this process (what the code costs when it has a core; the machine is shared)");
        Console.WriteLine($"# x ref = best per CPU-s / the Python reference's act + state() steps per CPU-second for the game; target {TargetFactor:0}x");
        Console.WriteLine();
        Console.WriteLine($"{"environment",-24} {"mode",-7} {"median steps/s",14} {"best steps/s",13} {"alloc B/step",12} {"median per CPU-s",17} {"best per CPU-s",15} {"ns/CPU-step",11} {"ref steps/s",11} {"x ref",6} {"100x?",5}");
        var ids = games.Select(g => "minatar:" + g);
        if (withCartPole) ids = ids.Append("cartpole");
        foreach (var id in ids)
        {
            var single = new SingleWorkload(id);
            Report(id, "single", Measure(n => single.Run(n), 1, seconds));
        }
        if (!vectorised) return;
        foreach (int n in new[] { 8, 32 })
            foreach (var game in games)
            {
                var vector = new VectorWorkload("minatar:" + game, n);
                Report("minatar:" + game, $"N={n}", Measure(k => vector.Run(k), n, seconds));
            }
    }

    /// <summary>
    /// <c>--quick --windows N</c>: per game, N windows of <see cref="WindowSteps"/> steps (Step + Observe,
    /// the single-environment loop) after a warm-up; the fastest window, the 10th percentile and the
    /// median, and the fastest against <see cref="ReferenceWindows"/>.
    /// </summary>
    private static void Windows(int count, string[] games)
    {
        Console.WriteLine($"# {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} logical cores; {count} windows of {WindowSteps} steps per game");
        Console.WriteLine("# x ref = fastest window / the Python reference's fastest of 100 windows of 5000 act + state() steps (reference_windows.py)");
        Console.WriteLine($"{"environment",-24} {"fastest ns",10} {"p10 ns",8} {"median ns",9} {"fastest steps/s",15} {"ref steps/s",11} {"x ref",6} {"100x?",5}");
        foreach (var game in games)
        {
            var single = new SingleWorkload("minatar:" + game);
            // warm up with many short calls (one long call would leave the loop on on-stack-replacement code)
            for (var warm = Stopwatch.StartNew(); warm.Elapsed.TotalSeconds < 0.5;) single.Run(1024);
            var ns = new double[count];
            for (int i = 0; i < count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                single.Run(WindowSteps);
                ns[i] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / WindowSteps;
            }
            Array.Sort(ns);
            double rate = 1e9 / ns[0], reference = ReferenceWindows[game], ratio = rate / reference;
            Console.WriteLine($"{"minatar:" + game,-24} {ns[0],10:F1} {ns[count / 10],8:F1} {ns[count / 2],9:F1} {rate,15:N0} {reference,11:N0} {ratio,6:F0} {(ratio >= TargetFactor ? "yes" : "no"),5}");
        }
    }

    /// <summary>Steps per window of <c>--windows</c> (the same as the Python reference's windows).</summary>
    private const int WindowSteps = 5000;

    /// <summary>
    /// <c>--quick --split</c>: per game, steps/s of <c>Step</c> alone and of <c>Step</c> + <c>Observe</c>
    /// (bytes), and the implied cost of one <c>Observe</c> (difference of the best ns/step).
    /// </summary>
    private static void Split(double seconds, string[] games)
    {
        Console.WriteLine($"# {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} logical cores; best of 5 runs of ~{seconds:0.#} s");
        Console.WriteLine("# rates per CPU-second of this process (the machine is shared; wall-clock rates are lower under load)");
        Console.WriteLine($"{"environment",-24} {"step only/s",13} {"step+obs/s",13} {"ns step",8} {"ns obs",7} {"ns obs only",12}");
        var stream = new Research.Random.Mt19937(0);
        var draws = Measure(n => { double t = 0; for (int i = 0; i < n; i++) t += stream.NextDouble(); return (float)t; }, 1, seconds);
        Console.WriteLine($"# one sticky draw (Mt19937.NextDouble): {1e9 / draws.BestPerCpuSecond:0.0} ns");
        foreach (var game in games)
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

    /// <summary>
    /// (median and best steps/s, allocated bytes per step, median and best steps per CPU-second) of
    /// <paramref name="run"/>, which performs k batched calls of <paramref name="width"/> steps.
    /// </summary>
    private static Measurement Measure(Func<int, float> run, int width, double seconds)
    {
        // Warm up (tiered JIT) and size a chunk to ~50 ms.
        int chunk = 1024;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed.TotalSeconds < 0.3) run(chunk);
        for (sw.Restart(), run(chunk); sw.Elapsed.TotalMilliseconds < 50; sw.Restart(), run(chunk)) chunk *= 2;

        var rates = new List<double>();
        var perCpu = new List<double>();
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
            if (cpu > 0) perCpu.Add(done / cpu);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            steps += done;
            rates.Add(done / elapsed);
        }
        GC.KeepAlive(sink);
        rates.Sort();
        perCpu.Sort();
        return new Measurement(rates[rates.Count / 2], rates[^1], (double)allocated / steps,
            perCpu.Count > 0 ? perCpu[perCpu.Count / 2] : 0, perCpu.Count > 0 ? perCpu[^1] : 0);
    }

    /// <summary>
    /// One table row; ns/step uses the best wall-clock run, the ratio to
    /// the reference the best run per CPU-second.
    /// </summary>
    private static void Report(string id, string mode, Measurement m)
    {
        string referenceRate = "", ratio = "", meets = "";
        if (id.StartsWith("minatar:", StringComparison.Ordinal) && Reference.TryGetValue(id["minatar:".Length..], out double reference))
        {
            double x = m.BestPerCpuSecond / reference;
            referenceRate = $"{reference:N0}";
            ratio = $"{x:0}";
            meets = x >= TargetFactor ? "yes" : "no";
        }
        Console.WriteLine($"{id,-24} {mode,-7} {m.Median,14:N0} {m.Best,13:N0} {m.BytesPerStep,12:0.000} {m.MedianPerCpuSecond,17:N0} {m.BestPerCpuSecond,15:N0} {1e9 / m.BestPerCpuSecond,11:0.0} {referenceRate,11} {ratio,6} {meets,5}");
    }

    /// <summary>
    /// One measurement: wall-clock median and best steps/s, bytes allocated
    /// per step, median and best steps per CPU-second.
    /// </summary>
    private readonly record struct Measurement(double Median, double Best, double BytesPerStep, double MedianPerCpuSecond, double BestPerCpuSecond);
}
