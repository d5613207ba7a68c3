/// Notebooks in the real .NET Interactive kernel (PolyglotKernel drives it over stdio), as a Polyglot Notebooks
/// user runs them: the `#r` cell tagged interactive-only is sent too. docs/notebooks.md, "The kernel test".
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
            let results = PolyglotKernel.runNotebook (fixture "kernel-fixture.ipynb") (fun _ -> false) perCell
            Expect.equal (failureReport results) "" "every cell succeeds"
            Expect.equal (results |> List.map _.Cell) [ 2; 3; 4; 5 ] "every code cell was sent"
            let rho, garnet, csharp = results[1], results[2], results[3]
            Expect.stringContains (shown rho) "<pre>0.95</pre>" "pviModulus 0.9 1.0 = (1 + 0.9) / 2, returned as the cell's value"
            Expect.stringContains (shown garnet) "states=7" "display produced a value"
            Expect.stringContains (shown csharp) "42" "C# cell's value"
        }
        for name in [ "planning-with-noise"; "proximal-dqn-minatar"; "paper-figures" ] do
            // Pending: Plotly.NET 6.0.0 (the only version served) references FSharp.Core 10.1.0.0, which the served
            // kernel (FSharp.Core 10.0) cannot load, so Research.Analysis and every chart fail there with a
            // FileLoadException. docs/notebooks.md, "FSharp.Core and the kernel". Un-pend when the pair loads.
            yield ptest (sprintf "%s runs top to bottom in the kernel, every chart cell displaying a value" name) {
                let path = Path.Combine(repoRoot, "notebooks", name + ".ipynb")
                let results = PolyglotKernel.runNotebook path (fun _ -> false) perCell
                Expect.equal (failureReport results) "" "every cell succeeds"
                let chartCells = PolyglotKernel.codeCells path |> List.filter (fun (_, _, _, code) -> code.Contains "Figures.")
                for cell, _, _, _ in chartCells do
                    let r = results |> List.find (fun r -> r.Cell = cell)
                    Expect.isTrue (r.Displays |> List.concat |> List.exists (fun (_, v) -> v.Contains "Plotly.newPlot"))
                        $"cell {cell} displays its chart"
            }
    ]
