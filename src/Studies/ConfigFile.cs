using Research.DeepAgents.Training;

namespace Research.Studies;

/// <summary>
/// <c>prox train --config FILE</c>: a file of config keys (the <c>--set</c> names, any spelling) and values,
/// or a run's config.json (its <c>config</c> section is
/// used), read as <c>key=value</c> assignments in file order.
/// </summary>
public static class ConfigFile
{
    /// <summary>The assignments of <paramref name="path"/>; unknown
    /// keys and lists are errors naming the file and key; a null value
    /// leaves the key at its default.</summary>
    public static IReadOnlyList<string> Assignments(string path)
    {
        var document = StudyDocument.Read(path, "--config");
        if (document.Entries.Any(e => e.Key == "format") && document.Section("config") is { } section)
            document = section; // a run's config.json (docs/run-format.md)
        var assignments = new List<string>();
        foreach (var (key, value) in document.Entries)
        {
            if (ConfigKeys.Find(key) is null)
                throw new ConfigException($"{path}: {key}", key, "a config key: " + string.Join(", ", ConfigKeys.AllKebab));
            if (StudyDocument.IsNull(value))
                continue; // null (e.g. a run's unset rom-dir): the key keeps its default
            assignments.Add($"{key}={StudyDocument.Scalar(value, path, key)}");
        }
        return assignments;
    }

    /// <summary>The value of <paramref name="key"/> among
    /// <paramref name="assignments"/> (last wins), or null.</summary>
    public static string? Lookup(IEnumerable<string> assignments, string key)
    {
        var property = ConfigKeys.Find(key);
        string? found = null;
        foreach (var a in assignments)
        {
            int eq = a.IndexOf('=');
            if (eq > 0 && ConfigKeys.Find(a[..eq].Trim()) == property)
                found = a[(eq + 1)..].Trim();
        }
        return found;
    }
}
