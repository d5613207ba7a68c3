using System.Globalization;
using Research.DeepAgents.Configuration;

namespace Research.Studies;

/// <summary>
/// What <c>prox train</c> is asked for: a preset (or a config file) with flags and <c>--set</c> overrides.
/// Null fields were not given. Order of precedence, last wins: preset,
/// <paramref name="ConfigFile"/>, the flags, <c>--set</c>, <c>--frames</c>.
/// </summary>
/// <param name="ConfigFile">A config file or run config.json
/// (<see cref="Studies.ConfigFile"/>), or null.</param>
/// <param name="Preset">Preset name; default the file's, else <c>minatar-dopamine</c>.</param>
/// <param name="Agent">Agent; default the file's, else <c>dqn</c>.</param>
/// <param name="Environment">Environment id, or null for the preset's (or file's).</param>
/// <param name="Frames">Training frames (k/M suffixes), or null.</param>
/// <param name="Seed">Run seed; default the file's, else 0.</param>
/// <param name="CTilde">c~ (pro agents only), or null.</param>
/// <param name="Sets">The <c>--set key=value</c> overrides.</param>
public sealed record RunRequest(string? ConfigFile, string? Preset, string? Agent, string? Environment, string? Frames,
    long? Seed, string? CTilde, IReadOnlyList<string> Sets)
{
    /// <summary>The validated config; bad values raise a
    /// <see cref="ConfigException"/> naming the flag or key.</summary>
    public TrainingConfig Resolve()
    {
        var file = ConfigFile is null ? [] : Studies.ConfigFile.Assignments(ConfigFile);
        string agent = Agent ?? Studies.ConfigFile.Lookup(file, "agent") ?? "dqn";
        string preset = Preset ?? Studies.ConfigFile.Lookup(file, "preset") ?? "minatar-dopamine";
        var config = Presets.Get(preset, agent);
        config = ConfigOverrides.Apply(config, file);
        var flags = new List<string> { $"agent={agent}" };
        if (Seed is long seed || ConfigFile is null)
            flags.Add($"seed={(Seed ?? 0).ToString(CultureInfo.InvariantCulture)}");
        if (Environment is not null) flags.Add($"environment={Environment}");
        if (CTilde is not null)
        {
            if (agent is not ("dqn-pro" or "rainbow-pro"))
                throw new ConfigException("--c-tilde", CTilde, "only with --agent dqn-pro or rainbow-pro");
            flags.Add($"c-tilde={CTilde}");
        }
        config = ConfigOverrides.Apply(config, flags);
        config = ConfigOverrides.Apply(config, Sets);
        if (Frames is not null)
        {
            if (!ConfigOverrides.TryParseCount(Frames, out long n) || n < 1)
                throw new ConfigException("--frames", Frames, "a positive integer (k/M/G suffixes allowed)");
            config = ConfigOverrides.Set(config, "total-steps", Math.Max(1, n / config.FrameSkip).ToString(CultureInfo.InvariantCulture));
        }
        return ConfigValidation.Validate(config);
    }
}
