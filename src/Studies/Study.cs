using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.DeepAgents.Configuration;

namespace Research.Studies;

/// <summary>A config key of a study: one value for every run,
/// or a list (a grid dimension, named in run names).</summary>
/// <param name="Key">The key as written (a <c>--set</c> name).</param>
/// <param name="Values">Its values (one for a fixed setting).</param>
/// <param name="IsGrid">True when given as a list: every value makes its own runs.</param>
public sealed record StudyKey(string Key, IReadOnlyList<string> Values, bool IsGrid);

/// <summary>
/// A study (docs/sweeps.md): agents x environments x c~ values x grid keys x seeds, each cell one training
/// run. Read from a JSON/YAML file, built from flags, or
/// both; stored as study.json in the study's run folder.
/// </summary>
/// <param name="Name">The study's name (default run folder runs/NAME).</param>
/// <param name="Agents">Agents (dqn, dqn-pro, rainbow, rainbow-pro).</param>
/// <param name="Environments">Environment ids.</param>
/// <param name="Seeds">Run seeds.</param>
/// <param name="CTilde">c~ of the pro agents: fixed or a grid dimension; null = the preset's.</param>
/// <param name="Frames">Training frames per run (k/M suffixes), or null for the preset's.</param>
/// <param name="Preset">Preset of every run, or null: by environment (<see cref="DefaultPreset"/>).</param>
/// <param name="Keys">Other config keys, fixed or grid dimensions, in file order.</param>
public sealed record Study(string Name, IReadOnlyList<string> Agents, IReadOnlyList<string> Environments, IReadOnlyList<long> Seeds,
    StudyKey? CTilde, string? Frames, string? Preset, IReadOnlyList<StudyKey> Keys)
{
    /// <summary>The study's own keys (the rest of a study file are config keys).</summary>
    public static readonly string[] StudyKeys = ["name", "agents", "environments", "seeds", "c-tilde", "frames", "preset"];

    /// <summary>The file name of the stored study in its run folder.</summary>
    public const string FileName = "study.json";

    /// <summary>The preset of a run on <paramref name="environment"/> when the study names none.</summary>
    public static string DefaultPreset(string environment) =>
        environment == "cartpole" ? "cartpole" : environment.StartsWith("atari:", StringComparison.Ordinal) ? "atari-paper" : "minatar-dopamine";

    /// <summary>Reads a study file (or <see cref="FileName"/> in a study's run folder).</summary>
    public static Study Read(string path)
    {
        if (Directory.Exists(path))
            path = System.IO.Path.Combine(path, FileName);
        var doc = StudyDocument.Read(path, "STUDY");
        string? Get(string key) => doc.Entries.Where(e => e.Key == key).Select(e => StudyDocument.Scalar(e.Value, path, key)).LastOrDefault();
        IReadOnlyList<string> List(string key) => doc.Entries.Where(e => e.Key == key).Select(e => doc.List(e.Value, key)).LastOrDefault() ?? [];
        var keys = new List<StudyKey>();
        StudyKey? cTilde = null;
        foreach (var (key, value) in doc.Entries)
        {
            if (StudyKeys.Contains(key) && key != "c-tilde") continue;
            if (ConfigKeys.Find(key) is not { } property)
                throw new ConfigException($"{path}: {key}", key,
                    $"a study key ({string.Join(", ", StudyKeys)}) or a config key ({string.Join(", ", ConfigKeys.AllKebab)})");
            bool grid = value is YamlDotNet.RepresentationModel.YamlSequenceNode;
            var k = new StudyKey(key, doc.List(value, key), grid);
            if (property.Name == nameof(TrainingConfig.CTilde)) cTilde = k;
            else keys.Add(k);
        }
        var seedNode = doc.Entries.Where(e => e.Key == "seeds").Select(e => e.Value).LastOrDefault();
        var seeds = seedNode is YamlDotNet.RepresentationModel.YamlSequenceNode
            ? doc.List(seedNode, "seeds").SelectMany(s => ParseSeeds(s + ",", $"{path}: seeds")).Distinct().ToList()
            : ParseSeeds(seedNode is null ? "1" : StudyDocument.Scalar(seedNode, path, "seeds"), $"{path}: seeds");
        string name = Get("name") ?? System.IO.Path.GetFileNameWithoutExtension(path);
        if (System.IO.Path.GetFileName(path) == FileName) name = Get("name") ?? new DirectoryInfo(System.IO.Path.GetDirectoryName(path)!).Name;
        return new Study(name, List("agents"), List("environments"), seeds, cTilde, Get("frames"), Get("preset"), keys).Checked(path);
    }

    /// <summary>Seeds from text: <c>N</c> (seeds 0..N-1), <c>a..b</c> (inclusive) or <c>a,b,c</c>.</summary>
    public static IReadOnlyList<long> ParseSeeds(string text, string flag)
    {
        const string allowed = "N (seeds 0..N-1), a..b (a range) or a comma-separated list of seeds";
        text = text.Trim();
        try
        {
            if (text.Contains(','))
                return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)).Distinct().ToList();
            int dots = text.IndexOf("..", StringComparison.Ordinal);
            if (dots > 0)
            {
                long a = long.Parse(text[..dots], NumberStyles.Integer, CultureInfo.InvariantCulture);
                long b = long.Parse(text[(dots + 2)..], NumberStyles.Integer, CultureInfo.InvariantCulture);
                if (b < a || b - a >= 100_000) throw new FormatException();
                return Enumerable.Range(0, (int)(b - a + 1)).Select(i => a + i).ToList();
            }
            int n = int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (n < 1 || n > 100_000) throw new FormatException();
            return Enumerable.Range(0, n).Select(i => (long)i).ToList();
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ConfigException(flag, text, allowed);
        }
    }

    /// <summary>This study, checked: at least one agent, environment and seed, and a usable name.</summary>
    public Study Checked(string where)
    {
        if (Agents.Count == 0) throw new ConfigException($"{where}: agents", "(none)", "one or more of dqn, dqn-pro, rainbow, rainbow-pro");
        if (Environments.Count == 0) throw new ConfigException($"{where}: environments", "(none)", "one or more environment ids (minatar:<game>, cartpole, atari:<game>)");
        if (Seeds.Count == 0) throw new ConfigException($"{where}: seeds", "(none)", "at least one seed");
        if (Name.Length == 0 || Name.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new ConfigException($"{where}: name", Name, "letters, digits, '-', '_' and '.'");
        foreach (var k in Keys.Append(CTilde).OfType<StudyKey>().Where(k => k.Values.Count == 0))
            throw new ConfigException($"{where}: {k.Key}", "[]", "one or more values");
        return this;
    }

    /// <summary>The study as study.json (the same keys a study
    /// file has), readable by <see cref="Read"/>.</summary>
    public string ToJson()
    {
        static JsonNode Values(StudyKey k) => k.IsGrid ? new JsonArray(k.Values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()) : JsonValue.Create(k.Values[0])!;
        var o = new JsonObject
        {
            ["name"] = Name,
            ["agents"] = new JsonArray(Agents.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["environments"] = new JsonArray(Environments.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()),
            ["seeds"] = new JsonArray(Seeds.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
        };
        if (CTilde is not null) o["c-tilde"] = Values(CTilde);
        if (Frames is not null) o["frames"] = Frames;
        if (Preset is not null) o["preset"] = Preset;
        foreach (var k in Keys) o[k.Key] = Values(k);
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
