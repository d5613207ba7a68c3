using System.Diagnostics;
using System.Globalization;
using Research.DeepAgents.Environments.Atari;

namespace Research.Bench.Atari;

/// <summary>
/// Interleaved rounds on Tetris (docs/performance.md, "Atari"): per round, (1) the native reference driver
/// <c>ale_reference --bench</c> and (2) the same action sequence through <see cref="NativeAleEmulator"/>
/// (act + game_over per frame, reset at game over), each without and with the grayscale screen fetched every
/// frame; (3) full agent steps: <see cref="AtariPreprocessing"/> (4 frames, max-pool, 84x84 resize) under a
/// 4-frame <see cref="FrameStack"/>, random actions, observation copied out each step; (4) the resize alone.
/// Prints each round and the medians; ratios are per round, then the median.
/// </summary>
public static class Program
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Main(string[] args)
    {
        int rounds = IntArg(args, "--rounds", 5), frames = IntArg(args, "--frames", 20_000);
        string root = FindRoot();
        string library = Environment.GetEnvironmentVariable(AleLibrary.EnvironmentVariable) ?? Path.Combine(root, AleLibrary.DefaultRelativePath);
        string driver = Path.Combine(Path.GetDirectoryName(library)!, "ale_reference");
        string rom = Path.Combine(root, "tests", "data", "roms", "tetris.bin");
        if (!File.Exists(library) || !File.Exists(driver))
        {
            Console.Error.WriteLine($"error: {library} or {driver} missing; run `{AleLibrary.BuildCommand}` first.");
            return 1;
        }
        int[] actions = DriverActions(driver, rom, frames);
        var rows = new List<double[]>();
        Console.WriteLine("round | native fps | shim fps | ratio | native+gray fps | shim+gray fps | ratio | agent steps/s | us/step | resize us");
        for (int r = 0; r < rounds; r++)
        {
            double native = DriverFps(driver, rom, frames, grayscale: false);
            double shim = ShimFps(library, rom, actions, grayscale: false);
            double nativeGray = DriverFps(driver, rom, frames, grayscale: true);
            double shimGray = ShimFps(library, rom, actions, grayscale: true);
            double agent = AgentStepsPerSecond(library, rom, frames / 4);
            double resize = ResizeMicroseconds();
            var row = new[] { native, shim, shim / native, nativeGray, shimGray, shimGray / nativeGray, agent, 1e6 / agent, resize };
            rows.Add(row);
            Console.WriteLine(string.Create(Inv,
                $"{r + 1,5} | {native,10:F0} | {shim,8:F0} | {shim / native,5:F3} | {nativeGray,15:F0} | {shimGray,13:F0} | {shimGray / nativeGray,5:F3} | {agent,13:F0} | {1e6 / agent,7:F1} | {resize,9:F1}"));
        }
        double Median(int c) { var v = rows.Select(x => x[c]).Order().ToArray(); return v[v.Length / 2]; }
        Console.WriteLine(string.Create(Inv,
            $"median| {Median(0),10:F0} | {Median(1),8:F0} | {Median(2),5:F3} | {Median(3),15:F0} | {Median(4),13:F0} | {Median(5),5:F3} | {Median(6),13:F0} | {Median(7),7:F1} | {Median(8),9:F1}"));
        double emulation = 4e6 / Median(4);
        Console.WriteLine(string.Create(Inv,
            $"agent step {Median(7):F1} us = 4 emulated frames with grayscale {emulation:F1} us + preprocessing and stack {Median(7) - emulation:F1} us ({(Median(7) - emulation) / emulation:P0} of emulation); resize alone {Median(8):F1} us"));
        return 0;
    }

    static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], Inv) : fallback;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Research.sln"))) return dir.FullName;
        throw new InvalidOperationException("Research.sln not found above the benchmark");
    }

    static (int Code, string Out) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    // The driver's action sequence (its trace mode), so both sides emulate the same frames.
    static int[] DriverActions(string driver, string rom, int frames)
    {
        var (_, output) = Run(driver, rom, "--frames", frames.ToString(Inv), "--seed", "1");
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => l.StartsWith("frame ", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split(' ')[2], Inv)).ToArray();
    }

    static double DriverFps(string driver, string rom, int frames, bool grayscale)
    {
        var args = new List<string> { rom, "--bench", "--frames", frames.ToString(Inv), "--seed", "1" };
        if (grayscale) args.Add("--grayscale");
        var (_, output) = Run(driver, [.. args]);
        // "<n> frames in <s> s: <fps> frames/s"
        var words = output.Trim().Split(' ');
        return double.Parse(words[^2], Inv);
    }

    static double ShimFps(string library, string rom, int[] actions, bool grayscale)
    {
        using var ale = new NativeAleEmulator(library);
        ale.LoadRom(rom, 0);
        var screen = new byte[IAtariEmulator.GrayscaleSize];
        var clock = Stopwatch.StartNew();
        foreach (int a in actions)
        {
            ale.Act(a);
            bool over = ale.GameOver;
            if (grayscale) ale.GetScreenGrayscale(screen);
            if (over) ale.ResetGame();
        }
        return actions.Length / clock.Elapsed.TotalSeconds;
    }

    static double AgentStepsPerSecond(string library, string rom, int steps)
    {
        using var pre = new AtariPreprocessing(new NativeAleEmulator(library), rom, new AtariOptions(Seed: 1));
        var env = new FrameStack(pre, 4);
        var observation = new byte[env.Observation.Size];
        var random = new Research.Random.Mt19937(1);
        env.Reset();
        var clock = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++)
        {
            var result = env.Step(random.RandInt(0, env.ActionCount));
            env.Observe(observation);
            if (result.Done) env.Reset();
        }
        return steps / clock.Elapsed.TotalSeconds;
    }

    static double ResizeMicroseconds()
    {
        var resize = new AreaResize(IAtariEmulator.ScreenHeight, IAtariEmulator.ScreenWidth, 84, 84);
        var source = new byte[IAtariEmulator.GrayscaleSize];
        for (int i = 0; i < source.Length; i++) source[i] = (byte)(i * 37 % 251);
        var destination = new byte[84 * 84];
        for (int i = 0; i < 200; i++) resize.Resize(source, destination);
        const int n = 2000;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < n; i++) resize.Resize(source, destination);
        return clock.Elapsed.TotalMicroseconds / n;
    }
}
