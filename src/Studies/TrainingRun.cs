using System.Globalization;
using Research.DeepAgents.Configuration;

namespace Research.Studies;

/// <summary>One training run of a study: a <c>prox train</c> call writing one run directory.</summary>
/// <param name="Name">Run directory name below the study's folder (stable: <see cref="StudyGrid"/>).</param>
/// <param name="Agent">dqn, dqn-pro, rainbow or rainbow-pro.</param>
/// <param name="Preset">Training preset (docs/agents.md).</param>
/// <param name="Environment">Environment id (minatar:breakout, cartpole, ...).</param>
/// <param name="Frames">Training frames, or null for the preset's.</param>
/// <param name="Seed">Run seed.</param>
/// <param name="Sets">Config overrides (<c>key=value</c>), applied after the preset.</param>
public sealed record TrainingRun(string Name, string Agent, string Preset, string Environment, long? Frames, long Seed, IReadOnlyList<string> Sets)
{
    /// <summary>The <c>prox train</c> arguments writing this run into <paramref name="dir"/>.</summary>
    public string[] TrainArguments(string dir)
    {
        var args = new List<string> { "train", "--agent", Agent, "--preset", Preset, "--env", Environment };
        if (Frames is long f)
            args.AddRange(["--frames", f.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(["--seed", Seed.ToString(CultureInfo.InvariantCulture)]);
        foreach (var s in Sets)
            args.AddRange(["--set", s]);
        args.AddRange(["--out", dir]);
        return args.ToArray();
    }

    /// <summary>The <c>prox train --resume</c> arguments
    /// continuing this run in <paramref name="dir"/>.</summary>
    public string[] ResumeArguments(string dir, TrainingConfig config) =>
        ["train", "--resume", "--out", dir, "--frames", (config.TotalSteps * config.FrameSkip).ToString(CultureInfo.InvariantCulture)];

    /// <summary>The resolved, validated config (exactly what <c>prox train</c> with
    /// <see cref="TrainArguments"/> uses).</summary>
    public TrainingConfig Config() =>
        new RunRequest(null, Preset, Agent, Environment, Frames?.ToString(CultureInfo.InvariantCulture), Seed, null, Sets).Resolve();
}
