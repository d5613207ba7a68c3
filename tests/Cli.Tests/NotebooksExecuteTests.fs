/// Every notebook in notebooks/ executes headless through `prox notebooks run` (small default budgets, no
/// network), and the committed notebooks carry no outputs.
module NotebooksExecuteTests

open System.IO
open System.Text.Json.Nodes
open Expecto
open NotebookTests

let notebooks () =
    Directory.GetFiles(Path.Combine(repoRoot, "notebooks"), "*.ipynb") |> Array.sort

/// The node at a key path (fails the test when missing).
let private at (n: JsonNode) (keys: string list) =
    keys |> List.fold (fun (n: JsonNode) (k: string) -> match n.[k] with null -> failtestf "missing JSON key %s" k | v -> v) n
let private items (n: JsonNode) = n.AsArray() |> Seq.choose (function null -> None | x -> Some x) |> List.ofSeq
let private text (n: JsonNode) = n.ToString()
let private codeCells (nb: JsonNode) = items (at nb [ "cells" ]) |> List.filter (fun c -> text (at c [ "cell_type" ]) = "code")
let private tags (cell: JsonNode) =
    match cell.["metadata"] with
    | null -> []
    | m -> match m.["tags"] with null -> [] | t -> items t |> List.map text
let private isNullAt (n: JsonNode) (key: string) = isNull n.[key]

[<Tests>]
let tests =
    testList "notebooks/" [
        test "the three notebooks exist" {
            Expect.equal (notebooks () |> Array.map Path.GetFileName) [| "paper-figures.ipynb"; "planning-with-noise.ipynb"; "proximal-dqn-minatar.ipynb" |] "notebooks"
        }
        test "committed notebooks carry no outputs, have a .NET F# kernelspec and a parameters cell with a budget" {
            for path in notebooks () do
                let nb = match JsonNode.Parse(File.ReadAllText path) with null -> failtest "empty notebook" | n -> n
                Expect.equal (text (at nb [ "metadata"; "kernelspec"; "name" ])) ".net-fsharp" (path + ": kernelspec")
                for cell in codeCells nb do
                    Expect.equal (items (at cell [ "outputs" ])).Length 0 (path + ": outputs []")
                    Expect.isTrue (isNullAt cell "execution_count") (path + ": execution_count null")
                let parameters = codeCells nb |> List.filter (fun c -> tags c |> List.contains "parameters")
                Expect.equal parameters.Length 1 (path + ": one parameters cell")
                let source = items (at parameters.Head [ "source" ]) |> List.map text |> String.concat ""
                Expect.stringContains source "let budget = \"tiny\"" (path + ": a budget parameter, tiny by default")
        }
        testSequenced <| testList "execute headless" [
            for name in [ "planning-with-noise"; "proximal-dqn-minatar"; "paper-figures" ] ->
                test (sprintf "%s runs every cell without error" name) {
                    let run = runNotebook (Path.Combine(repoRoot, "notebooks", name + ".ipynb")) []
                    Expect.equal run.ExitCode 0 (sprintf "exit code (stdout: %s, stderr: %s)" run.Stdout run.Stderr)
                    let executed = run.Executed |> Option.defaultWith (fun () -> failtest "no executed copy")
                    Expect.equal (text (at executed [ "metadata"; "prox"; "status" ])) "ok" "status"
                    let ran = codeCells executed |> List.filter (fun c -> not (tags c |> List.contains "interactive-only"))
                    for cell in ran do
                        Expect.isFalse (isNullAt cell "execution_count") "every code cell ran"
                    let charts =
                        ran |> List.sumBy (fun c ->
                            items (at c [ "outputs" ]) |> List.filter (fun o -> match o.["data"] with null -> false | d -> not (isNull d.["text/html"])) |> List.length)
                    Expect.isGreaterThanOrEqual charts 2 "charts displayed"
                    Expect.isTrue (File.Exists run.Html) "HTML export"
                }
        ]
    ]
