/// Result tables (docs/analysis.md, "Tables"): one table written as CSV, Markdown and LaTeX next to the
/// figures, so numbers can be pasted into a paper. Cells are text, already formatted.
module Research.Analysis.Tables

open System
open System.IO
open CsvHelper

/// CSV in the project's dialect (Research.RunFormat.CsvDialect, written by CsvHelper): comma separator,
/// a cell quoted when it holds a comma, quote or line break (RFC 4180), `\n` line ends.
let toCsv (table: Report.Table) =
    use bytes = new MemoryStream()
    do
        use writer = CsvWriter.Create(bytes, Research.RunFormat.CsvDialect.Writer, leaveOpen = true)
        for row in table.Header :: table.Rows do
            for cell in row do writer.WriteField cell
            writer.EndRecord()
    Text.Encoding.UTF8.GetString(bytes.ToArray())

/// A GitHub-flavoured Markdown table (`|` in cells escaped).
let toMarkdown (table: Report.Table) =
    let row (cells: string list) = "| " + (cells |> List.map (fun c -> c.Replace("|", "\\|")) |> String.concat " | ") + " |"
    [ row table.Header; row (table.Header |> List.map (fun _ -> "---")) ] @ (table.Rows |> List.map row) |> String.concat "\n" |> fun s -> s + "\n"

/// LaTeX special characters escaped (`~` as \textasciitilde{}, `±` as $\pm$).
let latexEscape (s: string) =
    s.Replace("\\", "\\textbackslash{}").Replace("&", "\\&").Replace("%", "\\%").Replace("$", "\\$").Replace("#", "\\#")
     .Replace("_", "\\_").Replace("{", "\\{").Replace("}", "\\}").Replace("~", "\\textasciitilde{}").Replace("±", "$\\pm$")
     .Replace("∞", "$\\infty$")

/// A booktabs tabular (first column left-aligned, the others right-aligned).
let toLatex (table: Report.Table) =
    let row (cells: string list) = (cells |> List.map latexEscape |> String.concat " & ") + " \\\\"
    let spec = "l" + String('r', max 0 (table.Header.Length - 1))
    [ sprintf "\\begin{tabular}{%s}" spec; "\\toprule"; row table.Header; "\\midrule" ]
    @ (table.Rows |> List.map row) @ [ "\\bottomrule"; "\\end{tabular}" ]
    |> String.concat "\n" |> fun s -> s + "\n"

/// Writes DIR/STEM.csv, .md and .tex; returns the three paths.
let write (dir: string) (stem: string) (table: Report.Table) =
    Directory.CreateDirectory dir |> ignore
    [ ".csv", toCsv; ".md", toMarkdown; ".tex", toLatex ]
    |> List.map (fun (ext, format) ->
        let path = Path.Combine(dir, stem + ext)
        File.WriteAllText(path, format table)
        path)
