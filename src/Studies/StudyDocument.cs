using Research.DeepAgents.Training;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Research.Studies;

/// <summary>
/// A config or study file: one YAML mapping (JSON is YAML, so <c>.json</c>, <c>.yaml</c> and <c>.yml</c> read
/// alike). Values are scalars (kept as text and parsed by the key's own parser) or lists of scalars.
/// </summary>
public sealed class StudyDocument
{
    StudyDocument(string path, IReadOnlyList<(string Key, YamlNode Value)> entries)
    {
        Path = path;
        Entries = entries;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The top-level keys and values, in file order.</summary>
    public IReadOnlyList<(string Key, YamlNode Value)> Entries { get; }

    /// <summary>Reads <paramref name="path"/>; a missing file or a syntax error is a
    /// <see cref="ConfigException"/> naming <paramref name="flag"/>.</summary>
    public static StudyDocument Read(string path, string flag)
    {
        if (!File.Exists(path))
            throw new ConfigException(flag, path, "an existing JSON or YAML file");
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new ConfigException(flag, path, $"valid JSON or YAML ({e.Start.Line}:{e.Start.Column}: {e.Message})");
        }
        // YamlDotNet's scanner on some malformed flow collections (found by the CLI fuzz)
        catch (InvalidOperationException e)
        {
            throw new ConfigException(flag, path, $"valid JSON or YAML (the reader stopped: {e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(flag, path, $"a readable JSON or YAML file ({e.Message})");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException(flag, path, "a file holding one mapping of keys to values");
        return new StudyDocument(path, root.Children.Select(c => (Scalar(c.Key, path, "(key)"), c.Value)).ToList());
    }

    /// <summary>The mapping under <paramref name="key"/>, or null when absent.</summary>
    public StudyDocument? Section(string key) =>
        Entries.FirstOrDefault(e => e.Key == key).Value is YamlMappingNode m
            ? new StudyDocument(Path, m.Children.Select(c => (Scalar(c.Key, Path, "(key)"), c.Value)).ToList())
            : null;

    /// <summary>
    /// A YAML null (JSON's <c>null</c>, <c>~</c> or nothing, unquoted): the key keeps its default.
    /// </summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>A scalar value's text; a list or mapping is an error naming the file and key.</summary>
    public static string Scalar(YamlNode node, string path, string key) => node switch
    {
        YamlScalarNode { Value: { } v } => v,
        YamlScalarNode => "",
        _ => throw new ConfigException($"{path}: {key}", node.NodeType.ToString().ToLowerInvariant(), "a single value"),
    };

    /// <summary>A scalar as a one-element list, or a list of scalars.</summary>
    public IReadOnlyList<string> List(YamlNode node, string key) => node switch
    {
        YamlSequenceNode s => s.Children.Select(c => Scalar(c, Path, key)).ToList(),
        _ => [Scalar(node, Path, key)],
    };
}
