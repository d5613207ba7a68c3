namespace Research.Cli;

/// <summary>
/// A minimal RFC 4180 CSV writer for the planning outputs: fields are written as given (callers
/// format numbers with the invariant culture) and quoted only when they contain a comma, a quote or
/// a line break (e.g. the <c>mdp</c> column, "garnet:states=50,actions=4,...").
/// </summary>
public sealed class PlanningCsv(TextWriter writer)
{
    private bool _firstField = true;

    /// <summary>Appends one field to the current record.</summary>
    public void Field(string value)
    {
        if (!_firstField)
            writer.Write(',');
        _firstField = false;
        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            writer.Write("\"" + value.Replace("\"", "\"\"") + "\"");
        else
            writer.Write(value);
    }

    /// <summary>Appends a whole record.</summary>
    public void Record(params string[] fields)
    {
        foreach (var f in fields)
            Field(f);
        EndRecord();
    }

    /// <summary>Ends the current record with a newline.</summary>
    public void EndRecord()
    {
        writer.Write('\n');
        _firstField = true;
    }
}
