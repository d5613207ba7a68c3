/// Result tables (docs/analysis.md, "Tables"): one table written as CSV, Markdown and LaTeX next to the
/// figures, so numbers can be pasted into a paper. Cells are text, already formatted.
module Research.Analysis.Tables

open System
open System.IO

/// CSV: comma separator, a cell quoted when it holds a comma, quote or line break (RFC 4180).
let toCsv (table: Report.Table) =
    let cell (s: string) = if s.IndexOfAny([| ','; '"'; '\n' |]) >= 0 then "\"" + s.Replace("\"", "\"\"") + "\"" else s
    (table.Header :: table.Rows) |> List.map (List.map cell >> String.concat ",") |> String.concat "\n" |> fun s -> s + "\n"

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
