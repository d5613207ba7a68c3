// Papermill-style parameters. The cell tagged `parameters` declares the defaults; `-p name=value`
// values are injected in a new cell right after it, tagged `injected-parameters`, which re-binds the
// names (F# `let name = value`, C# `var name = value;`). A value is typed by the default's type in the
// parameters cell when that is an int/float/bool/string literal or annotation (so `-p gamma=1`
// against `let gamma = 0.9` gives 1.0), else by its own literal form. See docs/notebooks.md, "Parameters".
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Research.Notebooks;

/// <summary>The scalar types a parameter value can take.</summary>
public enum ParameterType
{
    /// <summary>32-bit integer.</summary>
    Int,

    /// <summary>64-bit float.</summary>
    Float,

    /// <summary>Boolean.</summary>
    Bool,

    /// <summary>String.</summary>
    String,
}

/// <summary>A name assigned in the parameters cell, with the type of its default when recognisable.</summary>
public sealed record DeclaredParameter(string Name, ParameterType? Type);

/// <summary>Finding, typing and injecting notebook parameters.</summary>
public static partial class NotebookParameters
{
    /// <summary>Tag of the cell holding the defaults.</summary>
    public const string ParametersTag = "parameters";

    /// <summary>Tag of the cell the runner injects after it.</summary>
    public const string InjectedTag = "injected-parameters";

    /// <summary>Parses <c>name=value</c> (the value may contain '='); throws
    /// <see cref="NotebookParameterException"/> for a malformed pair.</summary>
    public static KeyValuePair<string, string> ParsePair(string pair)
    {
        int eq = pair.IndexOf('=');
        if (eq <= 0 || !IdentifierRegex().IsMatch(pair[..eq]))
            throw new NotebookParameterException("-p", pair, "name=value with an identifier name, e.g. -p episodes=10");
        return new(pair[..eq], pair[(eq + 1)..]);
    }

    /// <summary>Index of the first cell tagged <c>parameters</c>, or -1.</summary>
    public static int ParametersCellIndex(Notebook notebook)
    {
        for (int i = 0; i < notebook.Cells.Count; i++)
            if (Notebook.HasTag((JsonObject)notebook.Cells[i]!, ParametersTag))
                return i;
        return -1;
    }

    /// <summary>
    /// The names (with default types) assigned at the top level of a
    /// parameters cell in <paramref name="language"/>.
    /// </summary>
    public static IReadOnlyList<DeclaredParameter> Declared(string source, string language)
    {
        var regex = language == CellLanguages.CSharp ? CSharpDeclaration() : FSharpDeclaration();
        return source.Split('\n')
            .Select(line => regex.Match(line))
            .Where(m => m.Success)
            .Select(m => new DeclaredParameter(m.Groups["name"].Value, TypeOf(m.Groups["type"].Value.Trim(), m.Groups["value"].Value.Trim())))
            .ToList();
    }

    /// <summary>
    /// Checks <paramref name="values"/> against the parameters cell of <paramref name="notebook"/> and
    /// returns the declarations to inject; throws <see cref="NotebookParameterException"/> naming the
    /// allowed names.
    /// </summary>
    public static IReadOnlyList<(DeclaredParameter Parameter, string Value)> Resolve(
        Notebook notebook, string notebookName, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0)
            return [];
        int index = ParametersCellIndex(notebook);
        if (index < 0)
            throw new NotebookParameterException("-p", values.Keys.First(), $"none: {notebookName} has no cell tagged '{ParametersTag}'");
        var cell = (JsonObject)notebook.Cells[index]!;
        var language = notebook.CellLanguage(cell);
        var declared = Declared(CellLanguages.StripMagic(Notebook.Source(cell)), language);
        var byName = declared.GroupBy(d => d.Name).ToDictionary(g => g.Key, g => g.Last());
        var resolved = new List<(DeclaredParameter, string)>();
        foreach (var (name, value) in values)
        {
            if (!byName.TryGetValue(name, out var parameter))
                throw new NotebookParameterException("-p", name,
                    $"the names assigned in the '{ParametersTag}' cell of {notebookName}: {(byName.Count == 0 ? "(none)" : string.Join(", ", byName.Keys))}");
            // validates now, before any cell runs
            Literal(parameter.Type ?? InferType(value), value, language, name);
            resolved.Add((parameter, value));
        }
        return resolved;
    }

    /// <summary>
    /// Removes earlier <c>injected-parameters</c> cells and inserts a new one after the parameters cell.
    /// Returns the index of the injected cell, or -1 when there is nothing to inject.
    /// </summary>
    public static int Inject(Notebook notebook, IReadOnlyList<(DeclaredParameter Parameter, string Value)> values)
    {
        for (int i = notebook.Cells.Count - 1; i >= 0; i--)
            if (Notebook.HasTag((JsonObject)notebook.Cells[i]!, InjectedTag))
                notebook.Cells.RemoveAt(i);
        if (values.Count == 0)
            return -1;
        int index = ParametersCellIndex(notebook);
        var parametersCell = (JsonObject)notebook.Cells[index]!;
        var language = notebook.CellLanguage(parametersCell);
        var source = new StringBuilder("// Parameters injected by `prox notebooks run -p`\n");
        foreach (var (parameter, value) in values)
        {
            var literal = Literal(parameter.Type ?? InferType(value), value, language, parameter.Name);
            source.Append(language == CellLanguages.CSharp ? $"var {parameter.Name} = {literal};\n" : $"let {parameter.Name} = {literal}\n");
        }
        var metadata = (parametersCell["metadata"] as JsonObject)?.DeepClone() as JsonObject ?? new JsonObject();
        metadata["tags"] = new JsonArray(InjectedTag);
        var injected = new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = metadata,
            ["outputs"] = new JsonArray(),
            ["source"] = Notebook.Lines(source.ToString().TrimEnd('\n')),
        };
        notebook.Cells.Insert(index + 1, injected);
        return index + 1;
    }

    /// <summary>The type a bare value string has: int, then float, then bool, else string.</summary>
    public static ParameterType InferType(string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? ParameterType.Int
        : TryParseFloat(value, out _) ? ParameterType.Float
        : value is "true" or "false" or "True" or "False" ? ParameterType.Bool
        : ParameterType.String;

    /// <summary>
    /// The source literal for <paramref name="value"/> as <paramref name="type"/> in
    /// <paramref name="language"/>; throws <see cref="NotebookParameterException"/>
    /// when the value does not fit the type.
    /// </summary>
    public static string Literal(ParameterType type, string value, string language, string name)
    {
        bool csharp = language == CellLanguages.CSharp;
        switch (type)
        {
            case ParameterType.Int:
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i))
                    throw new NotebookParameterException($"-p {name}", value, "an integer (the default in the parameters cell is an int)");
                return i.ToString(CultureInfo.InvariantCulture);
            case ParameterType.Float:
                if (!TryParseFloat(value, out double x))
                    throw new NotebookParameterException($"-p {name}", value, "a number such as 0.5, 1e-3, inf or nan (the default in the parameters cell is a float)");
                return FloatLiteral(x, csharp);
            case ParameterType.Bool:
                if (!bool.TryParse(value, out bool b))
                    throw new NotebookParameterException($"-p {name}", value, "true or false (the default in the parameters cell is a bool)");
                return b ? "true" : "false";
            default:
                return StringLiteral(value);
        }
    }

    private static string FloatLiteral(double x, bool csharp)
    {
        if (double.IsNaN(x))
            return csharp ? "double.NaN" : "nan";
        if (double.IsInfinity(x))
            return (x > 0, csharp) switch
            {
                (true, true) => "double.PositiveInfinity",
                (false, true) => "double.NegativeInfinity",
                (true, false) => "infinity",
                (false, false) => "-infinity",
            };
        var text = x.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    private static string StringLiteral(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in value)
            sb.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ => c.ToString(),
            });
        return sb.Append('"').ToString();
    }

    private static bool TryParseFloat(string value, out double x)
    {
        switch (value.Trim().ToLowerInvariant())
        {
            case "nan": x = double.NaN; return true;
            case "inf" or "+inf" or "infinity": x = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": x = double.NegativeInfinity; return true;
        }
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out x) && double.IsFinite(x);
    }

    /// <summary>
    /// The type of a declaration from its annotation (<c>int</c>, <c>float</c>/<c>double</c>,
    /// <c>bool</c>, <c>string</c>) or its literal default.
    /// </summary>
    private static ParameterType? TypeOf(string annotation, string defaultValue)
    {
        switch (annotation)
        {
            case "int": return ParameterType.Int;
            case "float" or "double": return ParameterType.Float;
            case "bool": return ParameterType.Bool;
            case "string": return ParameterType.String;
        }
        var literal = defaultValue.TrimEnd(';').Trim();
        if (literal.StartsWith('"') && literal.EndsWith('"') && literal.Length >= 2)
            return ParameterType.String;
        if (literal is "true" or "false")
            return ParameterType.Bool;
        if (literal is "nan" or "infinity" or "-infinity" || literal.StartsWith("double.", StringComparison.Ordinal))
            return ParameterType.Float;
        if (int.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            return ParameterType.Int;
        if (double.TryParse(literal.TrimEnd('d', 'D'), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            return ParameterType.Float;
        return null;
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierRegex();

    // `let name = value` or `let name: type = value` at column 0 (top-level bindings only).
    [GeneratedRegex(@"^let\s+(?:mutable\s+)?(?<name>[A-Za-z_][A-Za-z0-9_']*)\s*(?::\s*(?<type>[^=]+?))?\s*=\s*(?<value>""(?:[^""\\]|\\.)*""|[^/]*?)\s*(?://.*)?$")]
    private static partial Regex FSharpDeclaration();

    // `var name = value;` or `type name = value;` at column 0.
    [GeneratedRegex(@"^(?<type>[A-Za-z_][A-Za-z0-9_<>\[\],.?]*)\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?<value>""(?:[^""\\]|\\.)*""|[^;""]*);\s*(?://.*)?$")]
    private static partial Regex CSharpDeclaration();
}
