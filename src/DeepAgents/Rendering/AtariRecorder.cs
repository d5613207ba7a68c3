using Research.DeepAgents.Environments.Atari;

namespace Research.DeepAgents.Rendering;

/// <summary>
/// Plays an Atari game (<see cref="AtariPreprocessing"/>) with a random or noop policy and writes the
/// emulator's real RGB screens (210 x 160, the ALE's palette) as an animated GIF, one frame per agent step
/// (the screen after the step's last emulated frame), or as a PNG of the screen after the last step. Frame 0
/// is the screen after the reset; a game that ends is reset and play continues. Atari screens use at most 128
/// colours (NTSC), so the GIF's global palette is exactly the colours that occur.
/// </summary>
public static class AtariRecorder
{
    /// <summary>Plays <paramref name="options"/>.Steps agent
    /// steps and writes a GIF of every screen.</summary>
    public static RecordingSummary WriteGif(AtariPreprocessing environment, RecordingOptions options, Stream output)
    {
        var palette = new List<Rgb>();
        var colours = new ScreenColours(palette);
        var indexed = new List<byte[]>();
        var summary = Play(environment, options, rgb =>
        {
            var pixels = new byte[IAtariEmulator.GrayscaleSize];
            colours.Map(rgb, pixels);
            indexed.Add(pixels);
        });
        using var gif = new GifWriter(output, IAtariEmulator.ScreenWidth, IAtariEmulator.ScreenHeight, palette, leaveOpen: true);
        int delay = Math.Max(1, 100 / options.FramesPerSecond);
        foreach (var pixels in indexed) gif.AddFrame(pixels, delay);
        return summary;
    }

    /// <summary>Plays <paramref name="options"/>.Steps agent
    /// steps and writes a PNG of the last screen.</summary>
    public static RecordingSummary WritePng(AtariPreprocessing environment, RecordingOptions options, Stream output)
    {
        byte[] last = [];
        var summary = Play(environment, options, rgb => last = rgb);
        PngEncoder.WriteRgb(output, IAtariEmulator.ScreenWidth, IAtariEmulator.ScreenHeight, last);
        return summary with { Frames = 1 };
    }

    // Plays and hands each screen to onScreen in one reused RGB buffer (valid until the next screen).
    static RecordingSummary Play(AtariPreprocessing environment, RecordingOptions options, Action<byte[]> onScreen)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(options);
        var random = new Random.Mt19937((uint)options.PolicySeed);
        var rgb = new byte[IAtariEmulator.RgbSize];
        environment.Emulator.GetScreenRgb(rgb);
        onScreen(rgb);
        int ended = 0;
        float total = 0;
        for (int step = 0; step < options.Steps; step++)
        {
            int action = options.Policy == RenderPolicy.Random ? random.RandInt(0, environment.ActionCount) : 0;
            var result = environment.Step(action);
            total += result.Reward;
            environment.Emulator.GetScreenRgb(rgb);
            onScreen(rgb);
            if (result.Done)
            {
                if (environment.GameEnded) ended++;
                environment.Reset();
            }
        }
        return new RecordingSummary(options.Steps + 1, options.Steps, ended, total,
            IAtariEmulator.ScreenWidth, IAtariEmulator.ScreenHeight);
    }
}
