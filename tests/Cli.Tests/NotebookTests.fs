/// `prox notebooks run`: headless execution of Polyglot notebooks (docs/notebooks.md). Notebook runs go
/// through a real `dotnet prox.dll` process (each run starts its own F# / C# sessions and routes the
/// console), with synthetic fixtures from tests/Cli.Tests/fixtures. `runNotebook` is the helper other
/// tests use to execute a notebook headless.
module NotebookTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json.Nodes
open Expecto
open Research.Notebooks

/// The repository root (the folder holding Research.sln), found upwards from the test binary.
let repoRoot =
    let rec up (dir: DirectoryInfo | null) =
        match dir with
        | null -> failwith $"Research.sln not found above {AppContext.BaseDirectory}"
        | d when File.Exists(Path.Combine(d.FullName, "Research.sln")) -> d.FullName
        | d -> up d.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

/// A fixture notebook of this test project.
let fixture name = Path.Combine(repoRoot, "tests", "Cli.Tests", "fixtures", name)

/// What one headless run produced.
type NotebookRun =
    { ExitCode: int
      /// The executed copy (None when the runner wrote none, e.g. on exit code 2).
      Executed: JsonObject option
      /// Path of the HTML export (may not exist).
      Html: string
      Stdout: string
      Stderr: string }

/// Runs `prox notebooks run PATH --out <temp> -p name=value ...` in a child process whose working
/// directory is the repository root; returns the exit code, the executed copy's JSON and the output.
let runNotebook (path: string) (parameters: (string * string) list) : NotebookRun =
    let out = Path.Combine(Path.GetTempPath(), $"prox-notebook-test-{Guid.NewGuid():N}")
    let psi =
        ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                         WorkingDirectory = repoRoot)
    for a in [ Path.Combine(AppContext.BaseDirectory, "prox.dll"); "notebooks"; "run"; Path.GetFullPath path; "--out"; out ] do
        psi.ArgumentList.Add a
    for name, value in parameters do
        psi.ArgumentList.Add "-p"
        psi.ArgumentList.Add $"{name}={value}"
    use p =
        match Process.Start psi with
        | null -> failwith "could not start dotnet"
        | p -> p
    let stdout = p.StandardOutput.ReadToEndAsync()
    let stderr = p.StandardError.ReadToEndAsync()
    p.WaitForExit()
    let executed = Path.Combine(out, Path.GetFileName path |> nonNull)
    { ExitCode = p.ExitCode
      Executed = if File.Exists executed then Some((JsonNode.Parse(File.ReadAllText executed) |> nonNull).AsObject()) else None
      Html = Path.ChangeExtension(executed, ".html") |> nonNull
      Stdout = stdout.Result
      Stderr = stderr.Result }

/// A JSON node that must exist.
let private must (n: JsonNode | null) : JsonNode =
    match n with
    | null -> failtest "missing JSON node"
    | n -> n
/// The node at a key path, e.g. `at nb [ "metadata"; "prox"; "status" ]`.
let private at (n: JsonNode) (keys: string list) = keys |> List.fold (fun (n: JsonNode) (k: string) -> must n.[k]) n
let private strAt n keys = (at n keys).GetValue<string>()
let private textAt n keys = Notebook.JoinText(at n keys)
let private isNullAt (n: JsonNode) (key: string) = isNull n.[key]
let private objects (n: JsonNode) = n.AsArray() |> Seq.map (fun o -> (must o).AsObject()) |> List.ofSeq
let private cells (nb: JsonObject) = objects (at nb [ "cells" ])
let private outputs (cell: JsonObject) = objects (at cell [ "outputs" ])
let private outputType (o: JsonObject) = strAt o [ "output_type" ]

/// The code cell whose source starts with `prefix`.
let private cellStarting (prefix: string) (nb: JsonObject) =
    cells nb |> List.find (fun c -> (textAt c [ "source" ]).StartsWith prefix)

/// text/plain of the cell's execute_result.
let private result (cell: JsonObject) =
    outputs cell |> List.filter (fun o -> outputType o = "execute_result") |> List.exactlyOne |> fun o -> textAt o [ "data"; "text/plain" ]

let private stream name (cell: JsonObject) =
    outputs cell
    |> List.filter (fun o -> outputType o = "stream" && strAt o [ "name" ] = name)
    |> List.map (fun o -> textAt o [ "text" ])
    |> String.concat ""

let private executed (run: NotebookRun) =
    match run.Executed with
    | Some nb -> nb
    | None -> failtest $"no executed copy; exit {run.ExitCode}; stderr: {run.Stderr}"

let private basic = lazy (runNotebook (fixture "notebook-basic.ipynb") [])

[<Tests>]
let runs =
    testList "prox notebooks run" [
        test "basic fixture: F# values, printfn, state across cells, display, C# cells, toolkit, chart, TorchSharp" {
            let run = basic.Force()
            Expect.equal run.ExitCode 0 $"exit code; stderr: {run.Stderr}"
            let nb = executed run
            let total = cellStarting "let total" nb
            Expect.equal (result total) "30" "episodes * 10 with the default episodes = 3"
            Expect.equal (stream "stdout" total) "total=30\n" "printfn captured as a stdout stream"
            let discounted = cellStarting "let discounted" nb
            Expect.equal (result discounted) "\"base:15\"" "value from two earlier cells"
            Expect.equal (stream "stderr" discounted) "to stderr\n" "eprintfn captured as a stderr stream"
            let displayed = cellStarting "display" nb
            Expect.equal (outputs displayed |> List.map outputType) [ "display_data"; "execute_result" ] "display then the value"
            Expect.equal (textAt (outputs displayed).Head [ "data"; "text/plain" ]) "[1; 2; 3]" "display formats like FSI"
            Expect.equal (result displayed) "[30; 60; 90]" "F# list formatting"
            let csharp = cellStarting "var xs" nb
            Expect.equal (stream "stdout" csharp) "sum=6\n" "C# Console.WriteLine captured"
            Expect.equal (result csharp) "6" "C# trailing expression"
            Expect.equal (result (cellStarting "xs.Select" nb)) "14" "C# state carried (language from dotnet_interactive metadata)"
            Expect.isEmpty (outputs (cellStarting "#!csharp" nb)) "a C# statement (magic-selected language) has no value"
            Expect.equal (result (cellStarting "Research.Theory" nb)) "0.95" "toolkit assemblies are pre-referenced"
            Expect.equal (result (cellStarting "open TorchSharp" nb)) "3.0f" "TorchSharp loads in-process"
            let chart = outputs (cellStarting "open Plotly.NET" nb) |> List.exactlyOne
            let html = textAt chart [ "data"; "text/html" ]
            Expect.stringContains html "Plotly.newPlot" "chart rendered as HTML"
            Expect.stringContains html "plotly.js v" "plotly.js inlined (offline) in the first chart"
            let interactiveOnly = cells nb |> List.find (fun c -> Notebook.HasTag(c, "interactive-only"))
            Expect.isEmpty (outputs interactiveOnly) "interactive-only cell skipped"
            Expect.isTrue (isNullAt interactiveOnly "execution_count") "interactive-only cell not counted"
            let counts = cells nb |> List.choose (fun c -> if isNullAt c "execution_count" then None else Some((at c [ "execution_count" ]).GetValue<int>()))
            Expect.equal counts [ 1 .. 10 ] "execution counts 1..10 over the executed code cells"
            Expect.equal ((at nb [ "metadata"; "custom_field"; "kept" ]).GetValue<bool>()) true "unknown metadata preserved"
            Expect.equal (strAt nb [ "metadata"; "prox"; "status" ]) "ok" "run status recorded"
        }

        test "HTML export exists, renders markdown and contains the outputs once-inlined plotly.js" {
            let run = basic.Force()
            Expect.equal run.ExitCode 0 run.Stderr
            let html = File.ReadAllText run.Html
            Expect.stringContains html "<h1>Basic fixture</h1>" "markdown heading"
            Expect.stringContains html "<code>inline code</code>" "code span"
            Expect.stringContains html "<li>second item</li>" "list"
            Expect.stringContains html "total=30" "stream output"
            Expect.stringContains html "[30; 60; 90]" "execute_result text"
            Expect.stringContains html "Plotly.newPlot" "chart"
            let plotlyCopies = html.Split("plotly.js v").Length - 1
            Expect.equal plotlyCopies 1 "plotly.js appears exactly once"
        }

        test "HTML export keeps TeX intact for KaTeX and loads KaTeX from files written next to it" {
            let run = basic.Force()
            Expect.equal run.ExitCode 0 run.Stderr
            let html = File.ReadAllText run.Html
            Expect.stringContains html
                """<span class="math display">\[v_{k+1} = \arg\min_v \|v - T^* v_k\|^2 + \tfrac{1}{c}\,\|v - v_k\|^2\]</span>"""
                "display maths inside a paragraph: TeX untouched, \[ \] delimiters"
            Expect.stringContains html """<span class="math">\(\rho = \frac{1 + c\gamma}{1 + c} &lt; 1\)</span>""" "inline maths, HTML-escaped only"
            Expect.stringContains html "<div class=\"math\">\n\\[\n\\beta = \\tfrac{c}{1+c}\n\\]</div>" "a $$ block"
            Expect.stringContains html "a<sup>sup</sup> outside" "Markdown extras still apply outside maths"
            let dir = Path.GetDirectoryName run.Html |> nonNull
            for reference in [ "katex/katex.min.css"; "katex/katex.min.js" ] do
                Expect.stringContains html $"\"{reference}\"" $"references {reference}"
                Expect.isTrue (File.Exists(Path.Combine(dir, reference))) $"{reference} written next to the page"
            let css = File.ReadAllText(Path.Combine(dir, "katex", "katex.min.css"))
            let fonts = Text.RegularExpressions.Regex.Matches(css, @"url\((fonts/[^)]+\.woff2)\)") |> Seq.map _.Groups[1].Value |> Seq.distinct |> List.ofSeq
            Expect.isGreaterThanOrEqual fonts.Length 15 "KaTeX's CSS names its woff2 fonts"
            for font in fonts do
                Expect.isTrue (File.Exists(Path.Combine(dir, "katex", font))) $"{font} written next to the page"
        }

        test "-p values are injected after the parameters cell and change the result" {
            let path = fixture "notebook-params.ipynb"
            let defaults = runNotebook path []
            let tuned = runNotebook path [ "episodes", "5"; "gamma", "1"; "label", "tuned"; "verbose", "true" ]
            Expect.equal defaults.ExitCode 0 defaults.Stderr
            Expect.equal tuned.ExitCode 0 tuned.Stderr
            Expect.equal (result (cellStarting "sprintf" (executed defaults))) "\"base 30 1 false\"" "defaults"
            Expect.equal (result (cellStarting "sprintf" (executed tuned))) "\"tuned 50 2 true\"" "gamma=1 typed as float by its default 0.5"
            let nb = executed tuned
            let tags = cells nb |> List.map (fun c -> Notebook.Tags c |> List.ofSeq)
            let i = tags |> List.findIndex (List.contains "parameters")
            Expect.equal tags[i + 1] [ "injected-parameters" ] "injected cell right after the parameters cell"
            Expect.equal (textAt (cells nb).[i + 1] [ "source" ])
                "// Parameters injected by `prox notebooks run -p`\nlet episodes = 5\nlet gamma = 1.0\nlet label = \"tuned\"\nlet verbose = true" "injected source"
            Expect.equal (strAt nb [ "metadata"; "prox"; "parameters"; "episodes" ]) "5" "parameters recorded in the executed copy"
        }

        test "a failing cell exits 1 naming the notebook, cell number and error; the partial copy is written" {
            let path = fixture "notebook-failing.ipynb"
            let run = runNotebook path []
            Expect.equal run.ExitCode 1 "exit code"
            Expect.stringContains run.Stderr "notebook-failing.ipynb: cell 4 (code cell 2, fsharp) failed: System.Exception: boom in the fourth cell" "message"
            let nb = executed run
            let failing = cellStarting "let fail" nb
            Expect.equal (outputs failing |> List.map outputType) [ "stream"; "error" ] "output before the error, then the error"
            let error = outputs failing |> List.last
            Expect.equal (strAt error [ "evalue" ]) "boom in the fourth cell" "evalue"
            Expect.equal (strAt error [ "ename" ]) "System.Exception" "ename"
            Expect.isEmpty (outputs (cellStarting "printfn \"never" nb)) "cells after the failure do not run"
            Expect.equal (strAt nb [ "metadata"; "prox"; "status" ]) "failed" "status"
            Expect.isTrue (File.Exists run.Html) "HTML export written for the partial run"
        }

        test "a compile error exits 1 with the FS diagnostic" {
            let run = runNotebook (fixture "notebook-compile-error.ipynb") []
            Expect.equal run.ExitCode 1 "exit code"
            Expect.stringContains run.Stderr "cell 1 (code cell 1, fsharp) failed: CompilationError: (1,14): error FS0001" "diagnostic with position"
        }

        test "an unknown parameter exits 2 listing the allowed names, before running anything" {
            let run = runNotebook (fixture "notebook-params.ipynb") [ "episodes", "4"; "seed", "1" ]
            Expect.equal run.ExitCode 2 "exit code"
            Expect.stringContains run.Stderr "'seed'" "names the unknown parameter"
            Expect.stringContains run.Stderr "episodes, gamma, label, verbose" "lists the allowed names"
            Expect.isNone run.Executed "nothing written"
        }

        test "an ill-typed parameter and a notebook without a parameters cell exit 2" {
            let badType = runNotebook (fixture "notebook-params.ipynb") [ "episodes", "many" ]
            Expect.equal badType.ExitCode 2 badType.Stderr
            Expect.stringContains badType.Stderr "an integer" "says what is allowed"
            let noCell = runNotebook (fixture "notebook-failing.ipynb") [ "episodes", "4" ]
            Expect.equal noCell.ExitCode 2 noCell.Stderr
            Expect.stringContains noCell.Stderr "has no cell tagged 'parameters'" "explains"
        }
    ]

[<Tests>]
let units =
    testList "notebook format and parameters" [
        test "committed fixtures carry no outputs and no execution counts" {
            for file in Directory.GetFiles(Path.Combine(repoRoot, "tests", "Cli.Tests", "fixtures"), "*.ipynb") do
                let nb = Notebook.Load file
                for cell in objects nb.Cells do
                    if Notebook.CellType cell = "code" then
                        Expect.isEmpty (outputs cell) $"{file}: outputs"
                        Expect.isTrue (isNullAt cell "execution_count") $"{file}: execution_count"
        }

        test "a notebook round-trips through Parse/ToJson unchanged in content" {
            let original = File.ReadAllText(fixture "notebook-basic.ipynb")
            let again = (Notebook.Parse(original, "basic")).ToJson()
            Expect.isTrue (JsonNode.DeepEquals(JsonNode.Parse original, JsonNode.Parse again)) "same JSON"
        }

        test "cell language: magic line, polyglot kernelName, dotnet_interactive language, notebook default" {
            let nb = Notebook.Load(fixture "notebook-basic.ipynb")
            let langs = objects nb.Cells |> List.map nb.CellLanguage
            Expect.equal langs
                [ "markdown"; "fsharp"; "fsharp"; "fsharp"; "fsharp"; "fsharp"; "markdown"; "csharp"; "csharp"; "csharp"; "markdown"; "fsharp"; "fsharp"; "fsharp" ]
                "languages"
            Expect.equal (CellLanguages.Normalise "F#") "fsharp" "F#"
            Expect.equal (CellLanguages.Normalise ".net-csharp") "csharp" "kernelspec name"
            Expect.isNull (CellLanguages.MagicLanguage "#!time\nlet x = 1") "#!time is not a language switch"
            Expect.equal (CellLanguages.StripMagic "#!csharp\nvar x = 1;") "var x = 1;" "magic stripped"
        }

        test "cell language by the kernel's document reader: kernelspec language, other kernels, raw cells" {
            let notebook (metadata: string) (cells: string) =
                Notebook.Parse($"""{{"cells": [{cells}], "metadata": {metadata}, "nbformat": 4, "nbformat_minor": 5}}""", "test")
            let code (source: string) = $"""{{"cell_type": "code", "metadata": {{}}, "outputs": [], "source": ["{source}"]}}"""
            let langs (nb: Notebook) = objects nb.Cells |> List.map nb.CellLanguage
            let csharpSpec = notebook """{"kernelspec": {"name": ".net-csharp", "language": "C#", "display_name": ".NET (C#)"}}"""
            Expect.equal (langs (csharpSpec (code "var x = 1;"))) [ "csharp" ] "kernelspec language C#"
            Expect.equal (langs (notebook "{}" (code "let x = 1"))) [ "fsharp" ] "no metadata: fsharp"
            Expect.equal (langs (notebook "{}" (code "#!pwsh\\nls"))) [ "pwsh" ] "a magic naming another kernel"
            Expect.equal (langs (notebook "{}" ("""{"cell_type": "raw", "metadata": {}, "source": ["r"]}, """ + code "1")))
                [ "raw"; "fsharp" ] "raw cells are not code"
        }

        // Sequenced: the first capture replaces the process-wide
        // Console.Out/Error (docs/testing.md, "Isolation").
        testSequenced <| test "console output and display calls land in the capture of the current flow, in order" {
            let capture = OutputCapture.Begin(ValueDisplay(), fun v -> $"<{v}>")
            try
                Console.Write "a"
                Console.WriteLine "b"
                Console.Error.WriteLine "warn"
                NotebookDisplay.Display 7
                Threading.Tasks.Task.Run(fun () -> Console.WriteLine "from a task").Wait()
            finally
                capture.Dispose()
            let summary =
                capture.Outputs
                |> Seq.map (function
                    | :? StreamOutput as s -> $"{s.Name}:{s.Text}"
                    | :? DisplayOutput as d -> "display:" + d.Data.["text/plain"]
                    | o -> string o)
                |> List.ofSeq
            let nl = Environment.NewLine
            Expect.equal summary [ $"stdout:ab{nl}"; $"stderr:warn{nl}"; "display:<7>"; $"stdout:from a task{nl}" ] "ordered, merged, task output included"
            Expect.isNull OutputCapture.Current "capture ended"
        }

        test "multiline text splits into nbformat lines and joins back" {
            let s = "a\nbb\n\nccc"
            let lines = Notebook.Lines s
            Expect.equal (lines |> Seq.map (fun l -> (must l).GetValue<string>()) |> List.ofSeq) [ "a\n"; "bb\n"; "\n"; "ccc" ] "lines keep their newline"
            Expect.equal (Notebook.JoinText lines) s "join"
        }

        test "declared parameters: names and default types in F# and C#" {
            let fs = NotebookParameters.Declared("let n = 3\nlet gamma: float = 1\nlet name = \"a // b\"\nlet flag = true // c\n  let inner = 1\nlet f x = x", "fsharp")
            Expect.equal (fs |> Seq.map (fun d -> d.Name, d.Type) |> List.ofSeq)
                [ "n", Nullable ParameterType.Int; "gamma", Nullable ParameterType.Float; "name", Nullable ParameterType.String; "flag", Nullable ParameterType.Bool ]
                "top-level F# lets with literal or annotated types; functions and nested lets are not parameters"
            let cs = NotebookParameters.Declared("var n = 3;\ndouble lr = 1e-3;\nstring s = \"x\";", "csharp")
            Expect.equal (cs |> Seq.map (fun d -> d.Name, d.Type) |> List.ofSeq)
                [ "n", Nullable ParameterType.Int; "lr", Nullable ParameterType.Float; "s", Nullable ParameterType.String ] "C# declarations"
        }

        test "parameter literals per type and language" {
            let lit t v lang = NotebookParameters.Literal(t, v, lang, "x")
            Expect.equal (lit ParameterType.Float "1" "fsharp") "1.0" "int text as float"
            Expect.equal (lit ParameterType.Float "1e-3" "fsharp") "0.001" "exponent"
            Expect.equal (lit ParameterType.Float "inf" "fsharp") "infinity" "F# infinity"
            Expect.equal (lit ParameterType.Float "inf" "csharp") "double.PositiveInfinity" "C# infinity"
            Expect.equal (lit ParameterType.String "a\"b\\c" "fsharp") "\"a\\\"b\\\\c\"" "escaped string"
            Expect.equal (lit ParameterType.Bool "True" "fsharp") "true" "bool"
            Expect.equal (NotebookParameters.InferType "12") ParameterType.Int "int literal"
            Expect.equal (NotebookParameters.InferType "0.5") ParameterType.Float "float literal"
            Expect.equal (NotebookParameters.InferType "false") ParameterType.Bool "bool literal"
            Expect.equal (NotebookParameters.InferType "MinAtar/Breakout") ParameterType.String "string"
            Expect.throwsT<NotebookParameterException> (fun () -> lit ParameterType.Int "2.5" "fsharp" |> ignore) "2.5 is not an int"
        }

        test "the toolkit a session references: Research.* and their references, not the engine itself" {
            // The tests' output folder holds prox's build (Research.*.dll, TorchSharp, Plotly.NET, engine).
            let names = ToolkitAssemblies.Find AppContext.BaseDirectory |> Seq.map Path.GetFileNameWithoutExtension |> Set.ofSeq
            for expected in [ "Research.Analysis"; "Research.DeepAgents"; "Research.Tabular"; "TorchSharp"; "Plotly.NET" ] do
                Expect.contains names expected $"{expected} referenced"
            Expect.equal ToolkitAssemblies.EngineName "Research.Notebooks" "the engine's assembly"
            for engine in [ "Research.Notebooks"; "FSharp.Compiler.Service"; "Microsoft.CodeAnalysis.CSharp.Scripting"; "Markdig" ] do
                Expect.isFalse (names.Contains engine) $"{engine} (the engine and its compilers) is no toolkit library"
        }

        test "C# parameters cells get C# injections" {
            let json =
                """{"nbformat":4,"nbformat_minor":5,"metadata":{"kernelspec":{"name":".net-csharp","language":"C#"}},
                    "cells":[{"cell_type":"code","metadata":{"tags":["parameters"]},"source":["var steps = 10;\n","double lr = 0.1;"],"outputs":[],"execution_count":null}]}"""
            let nb = Notebook.Parse(json, "cs")
            let resolved = NotebookParameters.Resolve(nb, "cs", readOnlyDict [ "lr", "1"; "steps", "20" ])
            let index = NotebookParameters.Inject(nb, resolved)
            Expect.equal index 1 "after the parameters cell"
            let source = Notebook.Source((objects nb.Cells).[1])
            Expect.stringContains source "var lr = 1.0;" "float typed by the C# default"
            Expect.stringContains source "var steps = 20;" "int"
        }
    ]
