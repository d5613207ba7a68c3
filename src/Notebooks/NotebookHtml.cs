// The HTML export of an executed notebook: one self-contained page. Markdown cells through Markdig
// (CommonMark plus tables, task lists, auto-links; TeX maths kept intact for KaTeX, see TexMath and
// Katex), code cells as <pre>, outputs in order: streams and text/plain as <pre>, text/html inline
// (charts carry plotly.js, see ValueDisplay), errors in red.
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Markdig;

namespace Research.Notebooks;

/// <summary>Renders a notebook as a standalone HTML page.</summary>
public static class NotebookHtml
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseTaskLists()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UseMathematics()
        .Use<TexMathExtension>()
        .Build();

    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }
        pre { background: #f6f8fa; padding: .6em .8em; overflow-x: auto; border-radius: 4px; font-size: 90%; }
        pre.source { border-left: 3px solid #5b8def; }
        pre.stderr { background: #fff5e6; }
        pre.error { background: #fdecea; color: #a4161a; }
        .cell { margin: 1em 0; }
        .label { color: #888; font-size: 80%; font-family: monospace; }
        table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .2em .5em; }
        """;

    /// <summary>
    /// The page for <paramref name="notebook"/>, titled <paramref name="title"/>. It loads KaTeX from katex/
    /// next to it: write that folder with <see cref="Katex.CopyTo"/>.
    /// </summary>
    public static string Render(Notebook notebook, string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(Encode(title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n")
            .Append(Katex.Head).Append("</head>\n<body>\n");
        foreach (var cell in notebook.Cells.Cast<JsonObject>())
        {
            var source = Notebook.Source(cell);
            switch (Notebook.CellType(cell))
            {
                case "markdown":
                    html.Append("<div class=\"cell markdown\">\n").Append(ToHtml(source)).Append("</div>\n");
                    break;
                case "code":
                    var count = cell["execution_count"] is JsonValue v && v.TryGetValue(out int n) ? n.ToString() : " ";
                    html.Append("<div class=\"cell code\">\n<div class=\"label\">[").Append(count).Append("] ")
                        .Append(Encode(notebook.CellLanguage(cell))).Append("</div>\n<pre class=\"source\"><code>")
                        .Append(Encode(CellLanguages.StripMagic(source))).Append("</code></pre>\n");
                    foreach (var output in (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>())
                        AppendOutput(html, output);
                    html.Append("</div>\n");
                    break;
            }
        }
        return html.Append("</body>\n</html>\n").ToString();
    }

    /// <summary>Markdown to HTML (the pipeline used for markdown cells).</summary>
    public static string ToHtml(string markdown) => Markdig.Markdown.ToHtml(markdown, Markdown);

    private static void AppendOutput(StringBuilder html, JsonObject output)
    {
        switch (output["output_type"]?.GetValue<string>())
        {
            case "stream":
                var name = output["name"]?.GetValue<string>() ?? "stdout";
                html.Append("<pre class=\"").Append(name == "stderr" ? "stderr" : "stdout").Append("\">")
                    .Append(Encode(Notebook.JoinText(output["text"]))).Append("</pre>\n");
                break;
            case "execute_result" or "display_data":
                var data = output["data"] as JsonObject;
                if (data?["text/html"] is { } htmlData)
                    html.Append("<div class=\"output html\">").Append(Notebook.JoinText(htmlData)).Append("</div>\n");
                else if (data?["text/plain"] is { } plain)
                    html.Append("<pre class=\"result\">").Append(Encode(Notebook.JoinText(plain))).Append("</pre>\n");
                break;
            case "error":
                var traceback = (output["traceback"] as JsonArray ?? []).Select(t => t?.GetValue<string>() ?? "");
                html.Append("<pre class=\"error\">")
                    .Append(Encode($"{output["ename"]?.GetValue<string>()}: {output["evalue"]?.GetValue<string>()}"));
                foreach (var line in traceback)
                    html.Append('\n').Append(Encode(line));
                html.Append("</pre>\n");
                break;
        }
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
