using System.Diagnostics;
using System.Runtime.InteropServices;
using Research.DeepAgents.Environments.Atari;
using Research.Random;

namespace Research.Bench.Environments;

/// <summary>
/// <c>--resize [ROUNDS]</c>: the Atari 210 x 160 -> 84 x 84 area resize, accelerated path
/// (<see cref="AreaResize.Resize"/>) against the reference definition
/// (<see cref="AreaResize.ResizeReference"/>), interleaved: each round times 100 calls of one path then 100
/// of the other (order alternating), over 16 seeded game-like frames; per path the fastest round, the 10th
/// percentile and the median. On a shared machine noise comes in bursts and short rounds often run
/// undisturbed, so the fastest rounds are the closest estimate of the code's own speed. Checks first
/// that both paths give identical bytes.
/// </summary>
public static class ResizeBench
{
    const int CallsPerRound = 100;

    /// <summary>Runs the comparison and prints a small table.</summary>
    public static void Run(int rounds)
    {
        var resize = new AreaResize(IAtariEmulator.ScreenHeight, IAtariEmulator.ScreenWidth, 84, 84);
        var frames = Frames(16, resize.SourceHeight * resize.SourceWidth);
        var fast = new byte[84 * 84];
        var reference = new byte[84 * 84];
        foreach (var frame in frames)
        {
            resize.Resize(frame, fast);
            resize.ResizeReference(frame, reference);
            if (!fast.AsSpan().SequenceEqual(reference)) throw new InvalidOperationException("accelerated and reference resize differ");
        }
        void Accelerated(int k) => resize.Resize(frames[k & 15], fast);
        void Reference(int k) => resize.ResizeReference(frames[k & 15], reference);
        // warm-up: the tiered JIT reaches its final code
        for (int k = 0; k < 20_000; k++) { Accelerated(k); Reference(k); }

        var fastUs = new double[rounds];
        var referenceUs = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            if (round % 2 == 0) { fastUs[round] = Time(Accelerated); referenceUs[round] = Time(Reference); }
            else { referenceUs[round] = Time(Reference); fastUs[round] = Time(Accelerated); }
        }
        Console.WriteLine($"# {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} logical cores; " +
                          $"{rounds} interleaved rounds of {CallsPerRound} calls per path; us per 210x160 -> 84x84 call");
        Console.WriteLine($"{"path",-12} {"fastest us",10} {"p10 us",8} {"median us",10}");
        Console.WriteLine($"{"reference",-12} {referenceUs.Min(),10:0.00} {Quantile(referenceUs, 0.1),8:0.00} {Quantile(referenceUs, 0.5),10:0.00}");
        Console.WriteLine($"{"accelerated",-12} {fastUs.Min(),10:0.00} {Quantile(fastUs, 0.1),8:0.00} {Quantile(fastUs, 0.5),10:0.00}");
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 1000; k++) resize.Resize(frames[k & 15], fast);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Console.WriteLine($"speed-up: fastest {referenceUs.Min() / fastUs.Min():0.0}x, p10 {Quantile(referenceUs, 0.1) / Quantile(fastUs, 0.1):0.0}x; accelerated allocates {allocated / 1000.0:0.#} B/call");
    }

    static double Time(Action<int> call)
    {
        long start = Stopwatch.GetTimestamp();
        for (int k = 0; k < CallsPerRound; k++) call(k);
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / CallsPerRound;
    }

    static double Quantile(double[] xs, double q)
    {
        var sorted = xs.Order().ToArray();
        return sorted[(int)(q * (sorted.Length - 1))];
    }

    /// <summary>Game-like frames: a few flat gray levels in bands and blocks, plus sparse noise.</summary>
    static byte[][] Frames(int count, int size)
    {
        var random = new Mt19937(12);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var frame = new byte[size];
            for (int p = 0; p < size; p++)
            {
                int r = p / IAtariEmulator.ScreenWidth, c = p % IAtariEmulator.ScreenWidth;
                frame[p] = (byte)(((r / 12) * 37 + (c / 20) * 11) % 7 * 30);
                if (random.RandInt(0, 50) == 0) frame[p] = (byte)random.RandInt(0, 256);
            }
            return frame;
        }).ToArray();
    }
}
