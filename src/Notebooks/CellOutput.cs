// The nbformat 4 output kinds the runner writes: stream, execute_result / display_data, error.
using System.Text.Json.Nodes;

namespace Research.Notebooks;

/// <summary>One output of an executed code cell.</summary>
public abstract record CellOutput
{
    /// <summary>The nbformat 4 JSON form of this output.</summary>
    public abstract JsonObject ToJson();
}

/// <summary>
/// Text a cell wrote to stdout or stderr (<paramref name="Name"/> is <c>stdout</c> or <c>stderr</c>).
/// </summary>
public sealed record StreamOutput(string Name, string Text) : CellOutput
{
    /// <inheritdoc />
    public override JsonObject ToJson() => new()
    {
        ["output_type"] = "stream",
        ["name"] = Name,
        ["text"] = Notebook.Lines(Text),
    };
}

/// <summary>
/// A displayed value as a MIME bundle (<c>text/plain</c>, optionally <c>text/html</c>). With an
/// <paramref name="ExecutionCount"/> it is the cell's <c>execute_result</c>, otherwise a <c>display_data</c>
/// (from <c>display value</c> inside a cell).
/// </summary>
public sealed record DisplayOutput(IReadOnlyDictionary<string, string> Data, int? ExecutionCount) : CellOutput
{
    /// <inheritdoc />
    public override JsonObject ToJson()
    {
        var data = new JsonObject();
        foreach (var (mime, text) in Data)
            data[mime] = Notebook.Lines(text);
        var json = new JsonObject { ["output_type"] = ExecutionCount is null ? "display_data" : "execute_result" };
        if (ExecutionCount is { } count)
            json["execution_count"] = count;
        json["data"] = data;
        json["metadata"] = new JsonObject();
        return json;
    }
}

/// <summary>
/// A failed cell: exception type (or <c>CompilationError</c>), message and traceback lines.
/// </summary>
public sealed record ErrorOutput(string EName, string EValue, IReadOnlyList<string> Traceback) : CellOutput
{
    /// <inheritdoc />
    public override JsonObject ToJson() => new()
    {
        ["output_type"] = "error",
        ["ename"] = EName,
        ["evalue"] = EValue,
        ["traceback"] = new JsonArray(Traceback.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray()),
    };

    /// <summary>The error as one line for messages: <c>ename: evalue</c>.</summary>
    public string Summary => $"{EName}: {EValue}";
}

/// <summary>Thrown by a kernel when a cell fails to compile or throws; carries the error output.</summary>
public sealed class CellFailedException(ErrorOutput error) : Exception(error.Summary)
{
    /// <summary>The error as written to the executed notebook.</summary>
    public ErrorOutput Error { get; } = error;
}
