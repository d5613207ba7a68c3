using Research.DeepAgents.Environments;
using Research.DeepAgents.Environments.Atari;

namespace Research.DeepAgents.Rendering;

/// <summary>
/// Records a policy (a trained agent) playing one Atari game: the emulator's real RGB screens (210 x 160)
/// with a status strip of <see cref="StatusHeight"/> rows below them (bottom-left corner: "return R", the
/// game's raw return so far, and "step T", with "game over" or "truncated" on the last frame). GIF frame 0 is
/// the screen after the reset and each agent step adds the screen after its last emulated frame, so a GIF has
/// <c>steps + 1</c> frames; a PNG is the last frame alone. A lost life resets the agent's episode and the
/// game goes on (as in <c>Evaluation</c>); recording stops when the game ends or after <c>options.Steps</c>
/// steps.
/// </summary>
public static class AtariEpisodeRecorder
{
    private const int Margin = 2;
    private const int Pitch = BitmapFont.LineHeight + 1;

    /// <summary>Rows of the status strip below the screen: two text lines at font scale 1.</summary>
    public const int StatusHeight = 2 * Margin + Pitch + BitmapFont.LineHeight;

    /// <summary>Image height: the screen plus the status strip.</summary>
    public const int ImageHeight = IAtariEmulator.ScreenHeight + StatusHeight;

    private const byte Background = 0, Text = 1, Alert = 2;

    /// <summary>
    /// Plays <paramref name="policy"/> on <paramref name="environment"/> (what the agent observes: the game
    /// itself or a <see cref="FrameStack"/> of it) and draws the screens of <paramref name="game"/> as a GIF,
    /// or (<paramref name="png"/>) the PNG of the last frame.
    /// </summary>
    public static RecordingSummary WriteEpisode(AtariPreprocessing game, IEnvironment environment, RecordingOptions options,
        Func<int> policy, bool png, Stream output)
    {
        ArgumentNullException.ThrowIfNull(game);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(policy);
        options.Validate();
        var palette = new List<Rgb>
        {
            GridPalette.InterfaceColours[GridPalette.Background], GridPalette.InterfaceColours[GridPalette.Text],
            GridPalette.InterfaceColours[GridPalette.Alert],
        };
        var colours = new ScreenColours(palette);
        var image = new IndexedImage(IAtariEmulator.ScreenWidth, ImageHeight, palette);
        var rgb = new byte[IAtariEmulator.RgbSize];
        var frames = new List<(byte[] Pixels, bool Ended)>();

        void Draw(int step, string end)
        {
            game.Emulator.GetScreenRgb(rgb);
            colours.Map(rgb, image.Pixels[..IAtariEmulator.GrayscaleSize]);
            image.FillRect(0, IAtariEmulator.ScreenHeight, IAtariEmulator.ScreenWidth, StatusHeight, Background);
            byte colour = end.Length > 0 ? Alert : Text;
            int y = IAtariEmulator.ScreenHeight + Margin;
            BitmapFont.Draw(image, $"return {game.GameReturn:0.##}", Margin, y, 1, colour);
            BitmapFont.Draw(image, $"step {step}{end}", Margin, y + Pitch, 1, colour);
            if (!png) frames.Add((image.Pixels.ToArray(), end.Length > 0));
        }

        if (!png) Draw(0, "");
        int steps = 0;
        bool over = false;
        while (steps < options.Steps)
        {
            var result = environment.Step(policy());
            steps++;
            over = result.Done && game.GameEnded;
            if (!png || over || steps == options.Steps)
                Draw(steps, over ? result.Terminated ? "  game over" : "  truncated" : "");
            if (over) break;
            if (result.Done) environment.Reset(); // a life lost: the agent's next episode, the same game
        }

        if (png) PngEncoder.WriteIndexed(output, image);
        else
        {
            int delay = options.DelayCentiseconds;
            using var gif = new GifWriter(output, IAtariEmulator.ScreenWidth, ImageHeight, palette, loopCount: 0, leaveOpen: true);
            foreach (var (pixels, ended) in frames) gif.AddFrame(pixels, ended ? delay * RecordingOptions.EndOfEpisodeHold : delay);
        }
        return new RecordingSummary(png ? 1 : frames.Count, steps, over ? 1 : 0, (float)game.GameReturn,
            IAtariEmulator.ScreenWidth, ImageHeight);
    }
}
