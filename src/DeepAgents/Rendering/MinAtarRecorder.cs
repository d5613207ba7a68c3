using Research.DeepAgents.Environments.MinAtar;
using Research.Random;

namespace Research.DeepAgents.Rendering;

/// <summary>How <see cref="MinAtarRecorder"/> picks actions.</summary>
public enum RenderPolicy
{
    /// <summary>Uniform over the environment's actions, from a stream seeded by
    /// <see cref="RecordingOptions.PolicySeed"/>.</summary>
    Random,
    /// <summary>Always action 0 (noop in the full and in every minimal action set).</summary>
    Noop,
}

/// <summary>What to record.</summary>
/// <param name="Steps">Number of <c>Step</c> calls (>= 1).</param>
/// <param name="Policy">Action choice.</param>
/// <param name="PolicySeed">Seed of the random policy's stream (the CLI passes <c>--seed</c>).</param>
/// <param name="CellSize">Grid cell side in pixels (4..128).</param>
/// <param name="FramesPerSecond">GIF frame rate, 1..50 (the
/// delay is stored in hundredths of a second).</param>
public sealed record RecordingOptions(
    int Steps = 300,
    RenderPolicy Policy = RenderPolicy.Random,
    int PolicySeed = 0,
    int CellSize = 24,
    int FramesPerSecond = 10)
{
    /// <summary>A terminal (or truncated) frame stays on screen this
    /// many frame delays, so the end of an episode is visible.</summary>
    public const int EndOfEpisodeHold = 5;

    /// <summary>Throws <see cref="ArgumentException"/> naming
    /// the field, the value and what is allowed.</summary>
    public void Validate()
    {
        if (Steps < 1) throw new ArgumentException($"RecordingOptions.Steps must be >= 1, got {Steps}.", nameof(Steps));
        if (CellSize is < 4 or > 128) throw new ArgumentException($"RecordingOptions.CellSize must be in 4..128 pixels, got {CellSize}.", nameof(CellSize));
        if (FramesPerSecond is < 1 or > 50) throw new ArgumentException($"RecordingOptions.FramesPerSecond must be in 1..50, got {FramesPerSecond}.", nameof(FramesPerSecond));
        if (!Enum.IsDefined(Policy)) throw new ArgumentException($"RecordingOptions.Policy must be one of {string.Join(", ", Enum.GetNames<RenderPolicy>())}, got {Policy}.", nameof(Policy));
    }

    /// <summary>GIF delay per frame in hundredths of a second: round(100 / fps).</summary>
    public int DelayCentiseconds => (int)Math.Round(100.0 / FramesPerSecond, MidpointRounding.AwayFromZero);
}

/// <summary>What a recording contained.</summary>
/// <param name="Frames">Images drawn (GIF frames; 1 for a PNG).</param>
/// <param name="Steps">Step calls made.</param>
/// <param name="EpisodesEnded">Episodes that ended (terminated or truncated) during the recording.</param>
/// <param name="Return">Return of the episode in progress (or just ended) at the last step.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
public sealed record RecordingSummary(int Frames, int Steps, int EpisodesEnded, float Return, int Width, int Height);

/// <summary>
/// Plays a MinAtar environment with a simple policy and draws it with <see cref="GridRenderer"/>.
/// <para>Frames (GIF): frame 0 is the state the environment is in when handed over (after its reset);
/// each <c>Step</c> adds one frame showing the state after it. When an episode ends the terminal
/// frame is shown (red border and status, held <see cref="RecordingOptions.EndOfEpisodeHold"/> delays);
/// if steps remain the environment is reset and the first state of the new episode is added as one more
/// frame, then play continues. So a GIF has <c>Steps + 1 + (episodes that ended before the last step)</c>
/// frames. A PNG is the single frame after the last step (the
/// terminal state if the last step ended an episode).</para>
/// <para>Status lines: "game  episode E  step T" (T counts Step calls over the whole recording) and
/// "return R  action A" (the executed action, after sticky actions) with "terminal" or "truncated" when
/// the episode ended at that step.</para>
/// </summary>
public static class MinAtarRecorder
{
    /// <summary>Records an animated GIF (looping forever) of
    /// <paramref name="environment"/> into <paramref name="output"/>.</summary>
    public static RecordingSummary WriteGif(MinAtarEnvironment environment, RecordingOptions options, Stream output)
    {
        var renderer = CreateRenderer(environment, options);
        int delay = options.DelayCentiseconds;
        using var gif = new GifWriter(output, renderer.ImageWidth, renderer.ImageHeight, renderer.Palette, loopCount: 0, leaveOpen: true);
        var summary = Play(environment, options, renderer, lastOnly: false,
            (image, ended) => gif.AddFrame(image, ended ? delay * RecordingOptions.EndOfEpisodeHold : delay));
        return summary with { Frames = gif.FrameCount };
    }

    /// <summary>Records the state after the last step as an indexed PNG.</summary>
    public static RecordingSummary WritePng(MinAtarEnvironment environment, RecordingOptions options, Stream output)
    {
        var renderer = CreateRenderer(environment, options);
        return Play(environment, options, renderer, lastOnly: true, (image, _) => PngEncoder.WriteIndexed(output, image));
    }

    /// <summary>
    /// Records <paramref name="policy"/> (e.g. a trained agent's greedy action from the observation) playing
    /// one episode, at most <c>options.Steps</c> steps, as a GIF
    /// (<paramref name="png"/> false) or the PNG of its last frame.
    /// </summary>
    public static RecordingSummary WriteEpisode(MinAtarEnvironment environment, RecordingOptions options, Func<int> policy, bool png, Stream output)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var renderer = CreateRenderer(environment, options);
        if (png)
            return Play(environment, options, renderer, lastOnly: true, (image, _) => PngEncoder.WriteIndexed(output, image), policy);
        int delay = options.DelayCentiseconds;
        using var gif = new GifWriter(output, renderer.ImageWidth, renderer.ImageHeight, renderer.Palette, loopCount: 0, leaveOpen: true);
        var summary = Play(environment, options, renderer, lastOnly: false,
            (image, ended) => gif.AddFrame(image, ended ? delay * RecordingOptions.EndOfEpisodeHold : delay), policy);
        return summary with { Frames = gif.FrameCount };
    }

    /// <summary>The seed of the random policy's MT19937 stream: distinct
    /// from the environment's stream for the same seed.</summary>
    public static uint PolicyStreamSeed(int seed) => unchecked((uint)seed ^ 0x9E3779B9u);

    private static GridRenderer CreateRenderer(MinAtarEnvironment environment, RecordingOptions options)
    {
        ArgumentNullException.ThrowIfNull(environment);
        options.Validate();
        return new GridRenderer(environment.Game.Info.Channels, MinAtarGame.Size, MinAtarGame.Size, new GridRenderOptions(options.CellSize));
    }

    /// <summary>Plays and draws; with <paramref name="choose"/> (an agent)
    /// it picks the actions and play stops after one episode.</summary>
    private static RecordingSummary Play(MinAtarEnvironment env, RecordingOptions options, GridRenderer renderer, bool lastOnly,
        Action<IndexedImage, bool> emit, Func<int>? choose = null)
    {
        var observation = new byte[env.Observation.Size];
        var image = renderer.CreateImage();
        var policy = new Mt19937(PolicyStreamSeed(options.PolicySeed));
        string game = env.Game.Info.Name;
        int episode = 1, frames = 0, ended = 0, played = 0;
        float episodeReturn = 0;

        void Draw(string status, bool alert)
        {
            env.Observe(observation);
            renderer.Render(observation, status, image, alert);
            emit(image, alert);
            frames++;
        }

        if (!lastOnly) Draw($"{game}  episode {episode}  step 0\nreturn 0", false);
        for (int t = 1; t <= options.Steps; t++)
        {
            int action = choose is not null ? choose() : options.Policy == RenderPolicy.Random ? policy.RandInt(0, env.ActionCount) : 0;
            var result = env.Step(action);
            played = t;
            episodeReturn += result.Reward;
            bool last = t == options.Steps || (choose is not null && result.Done);
            if (!lastOnly || last)
            {
                string end = result.Terminated ? "  terminal" : result.Truncated ? "  truncated" : "";
                Draw($"{game}  episode {episode}  step {t}\nreturn {episodeReturn:0.##}  action {MinAtarAction.Names[env.LastAction]}{end}", result.Done);
            }
            if (!result.Done) continue;
            ended++;
            if (last) break;
            env.Reset();
            episode++;
            episodeReturn = 0;
            if (!lastOnly) Draw($"{game}  episode {episode}  step {t}\nreturn 0  (new episode)", false);
        }
        return new RecordingSummary(frames, played, ended, episodeReturn, renderer.ImageWidth, renderer.ImageHeight);
    }
}
