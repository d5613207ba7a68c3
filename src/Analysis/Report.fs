/// report.html: every figure of a study with its caption, and a table of what was run.
module Research.Analysis.Report

open System
open System.IO
open System.Net

/// One section: a title, a caption and its figure files (.png embedded as images, .html linked as the
/// interactive version; an .html without a PNG next to it is embedded in an iframe).
type Section = { Title: string; Caption: string; Figures: string list }

/// A table: header and rows of cells.
type Table = { Header: string list; Rows: string list list }

/// A result table shown at the top of the report, with the files it was written to (CSV, Markdown, LaTeX).
type Summary = { Caption: string; Table: Table; Files: string list }

let private encode (s: string) = WebUtility.HtmlEncode s

let private relative (dir: string) (path: string) =
    Path.GetRelativePath(Path.GetFullPath dir, Path.GetFullPath path).Replace('\\', '/')

let private figureHtml (dir: string) (paths: string list) =
    let pngs = paths |> List.filter (fun p -> p.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
    let htmls = paths |> List.filter (fun p -> p.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
    let stem (p: string) = Path.ChangeExtension(Path.GetFullPath p, null)
    [ for h in htmls do
        let png = pngs |> List.tryFind (fun p -> stem p = stem h)
        match png with
        | Some p ->
            yield sprintf "<figure><a href=\"%s\"><img src=\"%s\" alt=\"%s\"></a><figcaption><a href=\"%s\">interactive version</a></figcaption></figure>"
                      (encode (relative dir h)) (encode (relative dir p)) (encode (Path.GetFileName p |> nonNull)) (encode (relative dir h))
        | None ->
            yield sprintf "<figure><iframe src=\"%s\" loading=\"lazy\"></iframe><figcaption><a href=\"%s\">open %s</a></figcaption></figure>"
                      (encode (relative dir h)) (encode (relative dir h)) (encode (Path.GetFileName h |> nonNull))
      for p in pngs do
        if not (htmls |> List.exists (fun h -> stem h = stem p)) then
            yield sprintf "<figure><img src=\"%s\" alt=\"%s\"></figure>" (encode (relative dir p)) (encode (Path.GetFileName p |> nonNull)) ]
    |> String.concat "\n"

let private tableHtmlOf (table: Table) =
    let head = table.Header |> List.map (fun h -> "<th>" + encode h + "</th>") |> String.concat ""
    let rows =
        table.Rows
        |> List.map (fun r -> "<tr>" + (r |> List.map (fun c -> "<td>" + encode c + "</td>") |> String.concat "") + "</tr>")
        |> String.concat "\n"
    sprintf "<table><thead><tr>%s</tr></thead><tbody>\n%s\n</tbody></table>" head rows

/// Writes DIR/report.html (title, generation time, the result
/// tables, sections, the run table, notes); returns its path.
let writeSummarised (dir: string) (title: string) (summary: Summary list) (sections: Section list) (table: Table) (notes: string list) : string =
    Directory.CreateDirectory dir |> ignore
    let tableHtml = tableHtmlOf table
    let summaryHtml =
        summary
        |> List.map (fun s ->
            let links = s.Files |> List.map (fun f -> sprintf "<a href=\"%s\">%s</a>" (encode (relative dir f)) (encode (Path.GetFileName f |> nonNull))) |> String.concat ", "
            sprintf "<h2>%s</h2>\n%s\n<p class=\"caption\">Also as %s.</p>" (encode s.Caption) (tableHtmlOf s.Table) links)
        |> String.concat "\n"
    let sectionsHtml =
        sections
        |> List.mapi (fun i s ->
            sprintf "<section id=\"fig%d\"><h2>%d. %s</h2><p class=\"caption\">%s</p>\n%s\n</section>"
                (i + 1) (i + 1) (encode s.Title) (encode s.Caption) (figureHtml dir s.Figures))
        |> String.concat "\n"
    let toc =
        sections |> List.mapi (fun i s -> sprintf "<li><a href=\"#fig%d\">%s</a></li>" (i + 1) (encode s.Title)) |> String.concat ""
    let notesHtml =
        if notes.IsEmpty then ""
        else "<h2>Notes</h2><ul>" + (notes |> List.map (fun n -> "<li>" + encode n + "</li>") |> String.concat "") + "</ul>"
    let generated = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", Globalization.CultureInfo.InvariantCulture)
    let html =
        $"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{encode title}</title>
<style>
body {{ font-family: Helvetica, Arial, sans-serif; max-width: 1200px; margin: 2em auto; color: #222; line-height: 1.45; }}
h1 {{ font-size: 1.7em; }} h2 {{ font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }}
figure {{ margin: 1em 0; }} img {{ max-width: 100%%; border: 1px solid #eee; }}
iframe {{ width: 100%%; height: 820px; border: 1px solid #eee; }}
.caption {{ color: #444; }} table {{ border-collapse: collapse; font-size: 0.9em; }}
th, td {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }} th {{ background: #f4f4f4; }}
</style></head><body>
<h1>{encode title}</h1>
<p>Generated {generated} UTC. Figures open offline (plotly.js is inside each HTML file or in the plotly-*.min.js file next to them; keep the folder together).</p>
{summaryHtml}
<ol>{toc}</ol>
{sectionsHtml}
<h2>What was run</h2>
{tableHtml}
{notesHtml}
</body></html>
"""
    let path = Path.Combine(dir, "report.html")
    File.WriteAllText(path, html)
    path

/// Writes DIR/report.html (title, generation time, sections, the run table, notes) and returns its path.
let writeWith (dir: string) (title: string) (sections: Section list) (table: Table) (notes: string list) : string =
    writeSummarised dir title [] sections table notes

/// Writes DIR/report.html with the default title and no notes; returns its path.
let write (dir: string) (sections: Section list) (table: Table) : string =
    writeWith dir "Proximal updates: results" sections table []

/// `write` with plain sequences (for C# callers such as `prox reproduce`): sections, the table header and
/// rows. Returns the path of report.html.
let writeFrom (dir: string) (sections: seq<Section>) (header: seq<string>) (rows: seq<seq<string>>) : string =
    write dir (List.ofSeq sections) { Header = List.ofSeq header; Rows = rows |> Seq.map List.ofSeq |> List.ofSeq }
