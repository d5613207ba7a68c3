// Turning a cell's value into a MIME bundle. Plotly.NET charts become text/html through reflection
// (GenericChart.toChartHTML), so the runner works with whatever Plotly.NET the notebook loaded.
// plotly.js (embedded in Plotly.NET.dll) is inlined once per notebook, in the first chart's output;
// later charts use the same `window.Plotly`, so executed copies and the HTML export render offline.
using System.Reflection;

namespace Research.Notebooks;

/// <summary>
/// Formats displayed values for one notebook run (tracks whether plotly.js was already emitted).
/// </summary>
public sealed class ValueDisplay
{
    private const string GenericChartType = "Plotly.NET.GenericChart";
    private bool plotlyJsEmitted;

    /// <summary>
    /// The bundle for <paramref name="value"/>: text/plain, plus text/html for a Plotly.NET GenericChart.
    /// </summary>
    public Dictionary<string, string> Bundle(object? value, string plainText)
    {
        if (value is not null && ChartHtml(value) is { } html)
            return new() { ["text/plain"] = GenericChartType, ["text/html"] = html };
        return new() { ["text/plain"] = plainText };
    }

    private string? ChartHtml(object value)
    {
        var chartType = BaseTypes(value.GetType()).FirstOrDefault(t => t.FullName == GenericChartType);
        var toChartHtml = chartType?.GetMethod("toChartHTML", BindingFlags.Public | BindingFlags.Static, [chartType]);
        if (chartType is null || toChartHtml is null)
            return null;
        var chart = (string)toChartHtml.Invoke(null, [value])!;
        if (plotlyJsEmitted)
            return chart;
        plotlyJsEmitted = true;
        return PlotlyJsScript(chartType.Assembly) + "\n" + chart;
    }

    /// <summary>
    /// A script element with the plotly.js that Plotly.NET embeds
    /// (resource <c>Plotly.NET.plotly-*.min.js</c>).
    /// </summary>
    private static string PlotlyJsScript(Assembly plotly)
    {
        var resource = plotly.GetManifestResourceNames()
            .FirstOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{plotly.GetName().Name} embeds no plotly.js resource (Plotly.NET.plotly-*.min.js)");
        using var stream = plotly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return "<script type=\"text/javascript\">" + reader.ReadToEnd() + "</script>";
    }

    private static IEnumerable<Type> BaseTypes(Type? type)
    {
        for (; type is not null; type = type.BaseType)
            yield return type;
    }
}
