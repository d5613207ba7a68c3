using System.Text;

namespace Research.Studies;

/// <summary>
/// Expands a <see cref="Study"/> into its runs, in a fixed order (environment, agent, c~, grid keys, seed)
/// with stable names: <c>AGENT-GAME[-cC][-KEY_VALUE...]-sSEED</c>, where GAME is the MinAtar game (or
/// cartpole, atari-GAME) and only grid dimensions (values
/// given as lists) appear. c~ applies to the pro agents only.
/// </summary>
public static class StudyGrid
{
    /// <summary>Every run of <paramref name="study"/>.</summary>
    public static IReadOnlyList<TrainingRun> Expand(Study study)
    {
        var runs = new List<TrainingRun>();
        var fixedSets = study.Keys.Where(k => !k.IsGrid).Select(k => $"{k.Key}={k.Values[0]}").ToList();
        var cells = Cartesian(study.Keys.Where(k => k.IsGrid).ToList());
        foreach (var env in study.Environments)
            foreach (var agent in study.Agents)
            {
                bool pro = agent is "dqn-pro" or "rainbow-pro";
                IReadOnlyList<string?> cValues = pro && study.CTilde is { } c ? c.Values.ToList<string?>() : [null];
                foreach (var cTilde in cValues)
                    foreach (var cell in cells)
                        foreach (var seed in study.Seeds)
                        {
                            var name = new StringBuilder($"{agent}-{Game(env)}");
                            if (cTilde is not null && study.CTilde!.IsGrid) name.Append("-c").Append(Clean(cTilde));
                            foreach (var (key, value) in cell) name.Append('-').Append(key).Append('_').Append(Clean(value));
                            name.Append("-s").Append(seed);
                            var sets = new List<string>(fixedSets);
                            if (cTilde is not null) sets.Add($"c-tilde={cTilde}");
                            sets.AddRange(cell.Select(kv => $"{kv.Key}={kv.Value}"));
                            long? frames = study.Frames is null ? null : Frames(study.Frames);
                            runs.Add(new TrainingRun(name.ToString(), agent, study.Preset ?? Study.DefaultPreset(env), env, frames, seed, sets));
                        }
            }
        var duplicate = runs.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new Research.DeepAgents.Configuration.ConfigException("STUDY", duplicate.Key, "a grid whose cells have distinct names (a value repeated in a list?)");
        return runs;
    }

    /// <summary>The short name of an environment in run names: breakout, cartpole, atari-pong.</summary>
    public static string Game(string environment) =>
        environment.StartsWith("minatar:", StringComparison.Ordinal) ? environment["minatar:".Length..] : environment.Replace(':', '-');

    static long Frames(string text) =>
        Research.DeepAgents.Configuration.ConfigOverrides.TryParseCount(text, out long n) && n >= 1
            ? n
            : throw new Research.DeepAgents.Configuration.ConfigException("frames", text, "a positive integer (k/M/G suffixes allowed)");

    static string Clean(string value) =>
        new(value.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '.' or '+' or '-' ? ch : '_').ToArray());

    static List<List<(string Key, string Value)>> Cartesian(List<StudyKey> keys)
    {
        var cells = new List<List<(string, string)>> { new() };
        foreach (var k in keys)
            cells = cells.SelectMany(cell => k.Values.Select(v => new List<(string, string)>(cell) { (k.Key, v) })).ToList();
        return cells;
    }
}
