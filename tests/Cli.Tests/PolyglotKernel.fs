/// Drives the real .NET Interactive kernel (`dotnet-interactive stdio`, pinned in .config/dotnet-tools.json)
/// over its JSON-lines protocol, the way Polyglot Notebooks in VS Code does: one SubmitCode command per code
/// cell in, the kernel's events out (DisplayedValueProduced / ReturnValueProduced, then CommandSucceeded or
/// CommandFailed). Notebooks are read with Microsoft.DotNet.Interactive.Documents,
/// the kernel's own .ipynb reader.
module PolyglotKernel

open System
open System.Collections.Concurrent
open System.Diagnostics
open System.IO
open System.Text.Json.Nodes
open Microsoft.DotNet.Interactive.Documents
open Microsoft.DotNet.Interactive.Documents.Jupyter

/// What the kernel reported for one submitted cell.
type CellResult =
    { /// 1-based position of the cell in the notebook (markdown cells counted).
      Cell: int
      KernelName: string
      Succeeded: bool
      /// CommandFailed's message ("" on success; "timed out" when the kernel did not answer in time).
      Error: string
      /// Each value the cell displayed or returned, in order, as (MIME type, formatted value) pairs.
      Displays: (string * string) list list }

/// The code cells of an .ipynb as the kernel's document library reads
/// them: (1-based cell, kernel name, code).
let codeCells (path: string) =
    let doc = Notebook.Parse(File.ReadAllText path)
    [ for i, e in Seq.indexed doc.Elements do
        if e.KernelName <> "markdown" then
            yield i + 1, (match e.KernelName with null -> "" | k -> k), e.Contents ]

/// One kernel process, started in `workDir` (relative `#r` paths in cells resolve against it, as in VS Code
/// where the kernel starts in the notebook's folder) with the extra `environment` variables. Dispose ends it.
type Session(workDir: string, environment: (string * string) list) =
    let psi =
        ProcessStartInfo("dotnet", RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
                         UseShellExecute = false, WorkingDirectory = workDir)
    do
        for a in [ "tool"; "run"; "dotnet-interactive"; "--"; "stdio" ] do psi.ArgumentList.Add a
        psi.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] <- "1"
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] <- "1"
        for name, value in environment do psi.Environment[name] <- value
    let proc = nonNull (Process.Start psi)
    let events = new BlockingCollection<JsonObject>()
    let stderr = Text.StringBuilder()
    do
        proc.ErrorDataReceived.Add(fun e -> match e.Data with null -> () | line -> lock stderr (fun () -> stderr.AppendLine line |> ignore))
        proc.BeginErrorReadLine()
        let reader () =
            let mutable go = true
            while go do
                match proc.StandardOutput.ReadLine() with
                | null -> go <- false
                | line ->
                    // The kernel prints a banner before the protocol starts; only JSON event envelopes count.
                    if line.StartsWith "{" then
                        match (try JsonNode.Parse line with _ -> null) with
                        | :? JsonObject as o when not (isNull (o["eventType"])) -> events.Add o
                        | _ -> ()
            events.CompleteAdding()
        Threading.Thread(reader, IsBackground = true).Start()
    let mutable next = 0

    let str (n: JsonNode | null) = match n with null -> "" | v -> v.ToString()

    /// The kernel's standard error so far (for failure messages).
    member _.Stderr = lock stderr (fun () -> stderr.ToString())

    /// Submits `code` to the kernel `kernelName` and waits for its CommandSucceeded / CommandFailed.
    member this.Submit(cell: int, kernelName: string, code: string, timeout: TimeSpan) : CellResult =
        next <- next + 1
        let token = string next
        let command = JsonObject()
        command["token"] <- token
        command["commandType"] <- "SubmitCode"
        command["command"] <- JsonObject(dict [ "code", JsonValue.Create code :> JsonNode | null; "targetKernelName", JsonValue.Create kernelName ])
        proc.StandardInput.WriteLine(command.ToJsonString())
        proc.StandardInput.Flush()
        let deadline = DateTime.UtcNow + timeout
        let displays = ResizeArray<(string * string) list>()
        let rec wait () =
            let left = deadline - DateTime.UtcNow
            let mutable e = Unchecked.defaultof<JsonObject>
            if not (left > TimeSpan.Zero && events.TryTake(&e, left)) then
                false, (if events.IsAddingCompleted then "the kernel exited: " + this.Stderr else "timed out")
            else
                // Events of this cell carry its token (child commands extend it: "3.1", ...).
                let command: JsonNode | null = e["command"]
                let eventToken = match command with null -> "" | c -> str (c["token"])
                let mine = eventToken = token || eventToken.StartsWith(token + ".")
                let body: JsonNode | null = e["event"]
                match str (e["eventType"]) with
                | "DisplayedValueProduced" | "ReturnValueProduced" when mine ->
                    let values: JsonNode | null = match body with null -> null | b -> b["formattedValues"]
                    displays.Add [ match values with
                                   | :? JsonArray as vs ->
                                       for v in vs do
                                           match v with
                                           | null -> ()
                                           | v -> yield str (v["mimeType"]), str (v["value"])
                                   | _ -> () ]
                    wait ()
                | "CommandSucceeded" when eventToken = token -> true, ""
                | "CommandFailed" when eventToken = token -> false, (match body with null -> "" | b -> str (b["message"]))
                | _ -> wait ()
        let ok, error = wait ()
        { Cell = cell; KernelName = kernelName; Succeeded = ok; Error = error; Displays = List.ofSeq displays }

    interface IDisposable with
        member _.Dispose() =
            try
                if not proc.HasExited then
                    proc.Kill(entireProcessTree = true)
                    proc.WaitForExit(10_000) |> ignore
            with _ -> ()
            proc.Dispose()

/// Runs every code cell of the notebook at `path` in a fresh kernel started in the notebook's folder, in
/// order, stopping after the first failing cell.
/// The notebooks write under $PROX_NOTEBOOK_OUT: a fresh temporary folder, not the repository.
let runNotebook (path: string) (timeoutPerCell: TimeSpan) =
    let out = Directory.CreateTempSubdirectory("prox-kernel-").FullName
    use session = new Session(nonNull (Path.GetDirectoryName(Path.GetFullPath path)), [ "PROX_NOTEBOOK_OUT", out ])
    let results = ResizeArray<CellResult>()
    let mutable failed = false
    for cell, kernel, code in codeCells path do
        if not failed then
            let r = session.Submit(cell, kernel, code, timeoutPerCell)
            results.Add r
            failed <- not r.Succeeded
    List.ofSeq results
