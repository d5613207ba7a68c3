module TablesTests

open Expecto
open Research.Analysis

let private table : Report.Table =
    { Header = [ "agent"; "IQM"; "IQM 95% CI" ]
      Rows = [ [ "DQN Pro (c~=0.2)"; "0.5"; "[0.25, 0.75]" ]; [ "a|b"; "1"; "\"q\"" ] ] }

[<Tests>]
let tests =
    testList "Analysis.Tables" [
        test "CSV quotes cells with commas or quotes (RFC 4180)" {
            Expect.equal (Tables.toCsv table)
                "agent,IQM,IQM 95% CI\nDQN Pro (c~=0.2),0.5,\"[0.25, 0.75]\"\na|b,1,\"\"\"q\"\"\"\n" "csv"
        }
        test "Markdown: header, separator, rows; | escaped" {
            Expect.equal (Tables.toMarkdown table)
                "| agent | IQM | IQM 95% CI |\n| --- | --- | --- |\n| DQN Pro (c~=0.2) | 0.5 | [0.25, 0.75] |\n| a\\|b | 1 | \"q\" |\n" "markdown"
        }
        test "LaTeX: booktabs tabular, specials escaped" {
            let tex = Tables.toLatex table
            Expect.stringStarts tex "\\begin{tabular}{lrr}\n\\toprule\nagent & IQM & IQM 95\\% CI \\\\\n\\midrule\n" "head"
            Expect.stringContains tex "DQN Pro (c\\textasciitilde{}=0.2) & 0.5 & [0.25, 0.75] \\\\" "row with ~"
            Expect.stringContains tex "\\bottomrule\n\\end{tabular}\n" "tail"
            Expect.equal (Tables.latexEscape "50% of $x_1 & #2 ± ∞") "50\\% of \\$x\\_1 \\& \\#2 $\\pm$ $\\infty$" "escapes"
        }
    ]
