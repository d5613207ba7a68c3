using Research.DeepAgents.Configuration;

namespace Research.Studies;

/// <summary>
/// A study given on the command line
/// (<c>prox sweep --agents dqn,dqn-pro --envs minatar:breakout --seeds 3 ...</c>); each given flag replaces
/// that field of the study file, if any. Lists are comma-separated.
/// </summary>
/// <param name="Name">--name.</param>
/// <param name="Agents">--agents.</param>
/// <param name="Environments">--envs.</param>
/// <param name="Seeds">--seeds: N, a..b or a,b,c.</param>
/// <param name="CTilde">--c-tilde: values of c~ (a grid dimension).</param>
/// <param name="Frames">--frames.</param>
/// <param name="Preset">--preset.</param>
/// <param name="Grid">--grid KEY=V1,V2: a config key as a grid dimension.</param>
/// <param name="Sets">--set KEY=VALUE: a config key fixed for every run.</param>
public sealed record StudyFlags(string? Name, string? Agents, string? Environments, string? Seeds, string? CTilde, string? Frames,
    string? Preset, IReadOnlyList<string> Grid, IReadOnlyList<string> Sets)
{
    /// <summary>The study: <paramref name="file"/> (or an
    /// empty one) with these flags applied, checked.</summary>
    public Study Apply(Study? file)
    {
        var study = file ?? new Study("sweep", [], [], [0], null, null, null, []);
        static List<string> Split(string s) => s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (Name is not null) study = study with { Name = Name };
        if (Agents is not null) study = study with { Agents = Split(Agents) };
        if (Environments is not null) study = study with { Environments = Split(Environments) };
        if (Seeds is not null) study = study with { Seeds = Study.ParseSeeds(Seeds, "--seeds") };
        if (CTilde is not null) study = study with { CTilde = new StudyKey("c-tilde", Split(CTilde), true) };
        if (Frames is not null) study = study with { Frames = Frames };
        if (Preset is not null) study = study with { Preset = Preset };
        var keys = study.Keys.ToList();
        void Put(string flag, string assignment, bool grid)
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0 || ConfigKeys.Find(assignment[..eq].Trim()) is not { } property)
                throw new ConfigException(flag, assignment, "KEY=VALUE with a config key: " + string.Join(", ", ConfigKeys.AllKebab));
            string key = assignment[..eq].Trim();
            var values = grid ? Split(assignment[(eq + 1)..]) : [assignment[(eq + 1)..].Trim()];
            if (property.Name == nameof(TrainingConfig.CTilde))
            {
                study = study with { CTilde = new StudyKey(key, values, grid) };
                return;
            }
            keys.RemoveAll(k => ConfigKeys.Find(k.Key) == property);
            keys.Add(new StudyKey(key, values, grid));
        }
        foreach (var g in Grid) Put("--grid", g, true);
        foreach (var s in Sets) Put("--set", s, false);
        return (study with { Keys = keys }).Checked("the study");
    }
}
