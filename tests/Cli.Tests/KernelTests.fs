/// Notebooks in the real .NET Interactive kernel (PolyglotKernel drives it over stdio), as a Polyglot
/// Notebooks user runs them: the `#r` cell tagged interactive-only is sent too.
/// docs/notebooks.md, "The kernel test".
module KernelTests

open System
open System.IO
open Expecto
open NotebookTests

let private perCell = TimeSpan.FromMinutes 5.0
/// Every formatted value a cell displayed or returned, in every MIME type, one per line.
let private shown (r: PolyglotKernel.CellResult) = r.Displays |> List.concat |> List.map snd |> String.concat "\n"

let private failureReport (results: PolyglotKernel.CellResult list) =
    results |> List.filter (fun r -> not r.Succeeded) |> List.map (fun r -> $"cell {r.Cell} ({r.KernelName}): {r.Error}") |> String.concat "\n"

[<Tests>]
let tests =
    testSequenced <| testList "polyglot kernel" [
        yield test "the toolkit (built against the kernel's FSharp.Core) loads and runs in the real kernel, F# and C#" {
            let results = PolyglotKernel.runNotebook (fixture "kernel-fixture.ipynb") perCell
            Expect.equal (failureReport results) "" "every cell succeeds"
            Expect.equal (results |> List.map _.Cell) [ 2; 3; 4; 5 ] "every code cell was sent"
            let rho, garnet, csharp = results[1], results[2], results[3]
            Expect.stringContains (shown rho) "<pre>0.95</pre>" "pviModulus 0.9 1.0 = (1 + 0.9) / 2, returned as the cell's value"
            Expect.stringContains (shown garnet) "states=7" "display produced a value"
            Expect.stringContains (shown csharp) "42" "C# cell's value"
        }
        // Each notebook top to bottom with its default `tiny` parameters, the interactive-only cells included
        // (FSharp.Core binding, the #r cell loading the toolkit and Plotly.NET.Interactive): every cell
        // succeeds and every chart cell (1-based cell numbers) displays a Plotly
        // chart through the kernel extension.
        for name, chartCells in [ "planning-with-noise", [ 9; 11; 13; 15 ]
                                  "proximal-dqn-minatar", [ 9; 11 ]
                                  "paper-figures", [ 9; 10; 11; 13; 14 ] ] do
            yield test (sprintf "%s runs top to bottom in the kernel; its charts display" name) {
                let path = Path.Combine(repoRoot, "notebooks", name + ".ipynb")
                let results = PolyglotKernel.runNotebook path perCell
                Expect.equal (failureReport results) "" "every cell succeeds"
                let codeCells = PolyglotKernel.codeCells path |> List.map (fun (cell, _, _) -> cell)
                Expect.equal (results |> List.map _.Cell) codeCells "every code cell was sent"
                let charts = results |> List.filter (fun r -> (shown r).Contains "Plotly.newPlot") |> List.map _.Cell
                Expect.equal charts chartCells "the cells that display a Plotly chart"
            }
    ]
