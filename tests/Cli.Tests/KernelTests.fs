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
        // The whole notebooks cannot pass in the served kernel yet: Plotly.NET 6.0.0 (the only version served)
        // references FSharp.Core 10.1.0.0, which the kernel (FSharp.Core 10.0) cannot load, so Research.Analysis
        // and every chart fail there (docs/notebooks.md, "FSharp.Core and the kernel"). This pins that state:
        // every cell before the first Analysis cell succeeds (the #r cell loading Plotly.NET.Interactive, the
        // parameters, Theory/Tabular work), and that cell fails for exactly this reason. When it starts to pass,
        // replace it with "every cell succeeds and every Figures.* cell displays a Plotly chart".
        for name, firstAnalysisCell in [ "planning-with-noise", 6; "proximal-dqn-minatar", 6; "paper-figures", 4 ] do
            yield test (sprintf "%s runs in the kernel up to its first Research.Analysis cell (cell %d)" name firstAnalysisCell) {
                let results = PolyglotKernel.runNotebook (Path.Combine(repoRoot, "notebooks", name + ".ipynb")) (fun _ -> false) perCell
                let before, last = List.take (results.Length - 1) results, List.last results
                Expect.equal (failureReport before) "" "every cell before it succeeds"
                Expect.equal last.Cell firstAnalysisCell "the first failing cell"
                Expect.isFalse last.Succeeded "the Analysis cell fails in the served kernel"
                Expect.stringContains last.Error "FSharp.Core, Version=10.1.0.0" "... because FSharp.Core 10.1 cannot load there"
            }
    ]
