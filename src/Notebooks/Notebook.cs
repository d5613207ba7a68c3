// A Polyglot notebook (.ipynb, nbformat 4) read and written with System.Text.Json nodes, so fields
// this runner does not know about (notebook, cell and output metadata) survive a round trip; which
// kernel a code cell targets is decided by Microsoft.DotNet.Interactive.Documents, as in the kernel.
// See docs/notebooks.md, "Format".
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Documents;
using Jupyter = Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Research.Notebooks;

/// <summary>A notebook document: the parsed JSON plus typed access to its cells.</summary>
public sealed class Notebook
{
    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        IndentSize = 1,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private Notebook(JsonObject root) => Root = root;

    /// <summary>The whole document; edits to it are what <see cref="Save"/> writes.</summary>
    public JsonObject Root { get; }

    /// <summary>
    /// The cells array (each a JSON object with <c>cell_type</c>, <c>source</c>, <c>metadata</c>).
    /// </summary>
    public JsonArray Cells => Root["cells"] as JsonArray ?? throw new InvalidDataException("notebook has no 'cells' array");

    /// <summary>
    /// The notebook's default cell language: <c>metadata.polyglot_notebook.defaultKernelName</c>, else
    /// the kernelspec language (<c>F#</c> → fsharp, <c>C#</c> → csharp), else fsharp.
    /// </summary>
    public string DefaultLanguage
    {
        get
        {
            var metadata = Root["metadata"] as JsonObject;
            if (StringAt(metadata, "polyglot_notebook", "defaultKernelName") is { Length: > 0 } kernel)
                return CellLanguages.Normalise(kernel);
            if (StringAt(metadata, "kernelspec", "language") is { Length: > 0 } language)
                return CellLanguages.Normalise(language);
            return CellLanguages.FSharp;
        }
    }

    /// <summary>
    /// Parses notebook JSON. Throws <see cref="InvalidDataException"/> naming what is wrong.
    /// </summary>
    public static Notebook Parse(string json, string nameForErrors)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{nameForErrors}: not valid JSON: {e.Message}");
        }
        if (node is not JsonObject root)
            throw new InvalidDataException($"{nameForErrors}: the top level must be a JSON object (nbformat 4)");
        if (root["nbformat"]?.GetValueKind() is JsonValueKind.Number && root["nbformat"]!.GetValue<int>() != 4)
            throw new InvalidDataException($"{nameForErrors}: nbformat {root["nbformat"]} is not supported; allowed: 4");
        if (root["cells"] is not JsonArray cells)
            throw new InvalidDataException($"{nameForErrors}: missing 'cells' array");
        for (int i = 0; i < cells.Count; i++)
            if (cells[i] is not JsonObject)
                throw new InvalidDataException($"{nameForErrors}: cell {i + 1} is not a JSON object");
        return new Notebook(root);
    }

    /// <summary>Reads a notebook file.</summary>
    public static Notebook Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>A deep copy (the runner executes a copy, never the committed document).</summary>
    public Notebook Clone() => new((JsonObject)Root.DeepClone());

    /// <summary>The document as indented JSON (one-space indent, like Jupyter).</summary>
    public string ToJson() => Root.ToJsonString(WriteOptions) + "\n";

    /// <summary>Writes the notebook to <paramref name="path"/>, creating its directory.</summary>
    public void Save(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir)
            Directory.CreateDirectory(dir);
        File.WriteAllText(path, ToJson());
    }

    /// <summary>The cell type (<c>code</c>, <c>markdown</c>, <c>raw</c>).</summary>
    public static string CellType(JsonObject cell) => cell["cell_type"]?.GetValue<string>() ?? "code";

    /// <summary>A cell's source as one string (nbformat stores a string or an array of lines).</summary>
    public static string Source(JsonObject cell) => JoinText(cell["source"]);

    /// <summary>The tags in <c>metadata.tags</c>.</summary>
    public static IReadOnlyList<string> Tags(JsonObject cell) =>
        (cell["metadata"] as JsonObject)?["tags"] is JsonArray tags
            ? tags.Select(t => t?.GetValue<string>() ?? "").ToList()
            : [];

    /// <summary>True when the cell carries <paramref name="tag"/> in <c>metadata.tags</c>.</summary>
    public static bool HasTag(JsonObject cell, string tag) => Tags(cell).Contains(tag);

    /// <summary>
    /// The language of a cell: markdown/raw cells are <c>markdown</c>/<c>raw</c>; a code cell's kernel is
    /// what the kernel's own document reader (Microsoft.DotNet.Interactive.Documents) makes of it — a
    /// leading <c>#!fsharp</c>-style magic line, else <c>metadata.polyglot_notebook.kernelName</c>, else
    /// <c>metadata.dotnet_interactive.language</c>, else the notebook default — falling back to
    /// <see cref="DefaultLanguage"/> when it names none.
    /// </summary>
    public string CellLanguage(JsonObject cell)
    {
        var type = CellType(cell);
        if (type != "code")
            return type;
        // The reader needs only the cell's type, source and metadata: outputs (a chart carries plotly.js)
        // stay out.
        var probe = new JsonObject
        {
            ["cell_type"] = "code",
            ["source"] = cell["source"]?.DeepClone(),
            ["metadata"] = cell["metadata"]?.DeepClone() ?? new JsonObject(),
            ["outputs"] = new JsonArray(),
        };
        var single = new JsonObject
        {
            ["cells"] = new JsonArray(probe),
            ["metadata"] = Root["metadata"]?.DeepClone() ?? new JsonObject(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        var kernel = Jupyter.Notebook.Parse(single.ToJsonString(), CellLanguages.Kernels.Clone()).Elements.FirstOrDefault()?.KernelName;
        return kernel is { Length: > 0 } ? CellLanguages.Normalise(kernel) : DefaultLanguage;
    }

    /// <summary>
    /// Splits text into nbformat's list-of-lines form (each line but the last keeps its <c>\n</c>).
    /// </summary>
    public static JsonArray Lines(string text)
    {
        var array = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int newline = text.IndexOf('\n', start);
            int end = newline < 0 ? text.Length : newline + 1;
            array.Add(text[start..end]);
            start = end;
        }
        return array;
    }

    /// <summary>Joins nbformat multiline text (a string or an array of strings).</summary>
    public static string JoinText(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
        _ => node.GetValue<string>(),
    };

    private static string? StringAt(JsonObject? metadata, string section, string key) =>
        (metadata?[section] as JsonObject)?[key] is JsonValue value && value.TryGetValue(out string? s) ? s : null;
}

/// <summary>Cell language names as the Polyglot kernel spells them.</summary>
public static class CellLanguages
{
    /// <summary>F# cells (run with FSharp.Compiler.Service).</summary>
    public const string FSharp = "fsharp";

    /// <summary>C# cells (run with Roslyn scripting).</summary>
    public const string CSharp = "csharp";

    // Polyglot kernel-switch magics; other magics (#!time, #!about, ...) are not language switches.
    private static readonly HashSet<string> KernelMagics =
        [FSharp, CSharp, "markdown", "pwsh", "javascript", "html", "sql", "kql", "mermaid", "value", "http"];

    /// <summary>
    /// The kernels a notebook may name, for the document reader (F# and C# with their aliases); built once.
    /// Pass a <c>Clone()</c>: the reader may set its default kernel from a notebook's metadata.
    /// </summary>
    public static readonly KernelInfoCollection Kernels = KernelInfos();

    static KernelInfoCollection KernelInfos()
    {
        var kernels = new KernelInfoCollection
        {
            new KernelInfo(FSharp, "F#", ["f#", "F#", "fs", ".net-fsharp"]),
            new KernelInfo(CSharp, "C#", ["c#", "C#", "cs", ".net-csharp"]),
        };
        foreach (var other in KernelMagics.Where(k => k is not (FSharp or CSharp)))
            kernels.Add(new KernelInfo(other, other, []));
        return kernels;
    }

    /// <summary>
    /// Maps kernel names and display languages (<c>F#</c>, <c>fsharp</c>, <c>.net-fsharp</c>, <c>C#</c>)
    /// to <c>fsharp</c>/<c>csharp</c>; other names are lower-cased.
    /// </summary>
    public static string Normalise(string name) => name.Trim().ToLowerInvariant() switch
    {
        "f#" or "fsharp" or ".net-fsharp" or "fs" => FSharp,
        "c#" or "csharp" or ".net-csharp" or "cs" => CSharp,
        var other => other,
    };

    /// <summary>
    /// The language named by a leading <c>#!name</c> magic line
    /// (<c>#!fsharp</c>, <c>#!csharp</c>, ...), if any.
    /// </summary>
    public static string? MagicLanguage(string source)
    {
        var first = source.TrimStart('\r', '\n').Split('\n', 2)[0].Trim();
        if (!first.StartsWith("#!", StringComparison.Ordinal))
            return null;
        var name = Normalise(first[2..]);
        return KernelMagics.Contains(name) ? name : null;
    }

    /// <summary>The source without a leading <c>#!name</c> magic line.</summary>
    public static string StripMagic(string source)
    {
        if (MagicLanguage(source) is null)
            return source;
        var trimmed = source.TrimStart('\r', '\n');
        int newline = trimmed.IndexOf('\n');
        return newline < 0 ? "" : trimmed[(newline + 1)..];
    }
}
