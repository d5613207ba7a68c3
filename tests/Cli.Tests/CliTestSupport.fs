/// Helpers shared by the CLI tests that run `prox` as a real process.
module CliTestSupport

open System
open System.Diagnostics
open System.IO
open System.Threading
open System.Threading.Tasks
open Expecto

/// Runs `dotnet prox.dll args` from the test's output folder with environment variables changed
/// (None removes one); returns (exit code, stdout, stderr).
let proxWith (variables: (string * string option) list) (args: string list) =
    TestSupport.runWith null variables "dotnet" (Path.Combine(AppContext.BaseDirectory, "prox.dll") :: args)

/// Runs `dotnet prox.dll args` from the test's output folder; returns (exit code, stdout, stderr).
let prox (args: string list) = proxWith [] args

/// A fresh run-directory path under the temp folder (not created).
let tempRun name =
    Path.Combine(Path.GetTempPath(), "prox-cli-tests", sprintf "%s-%s" name (Guid.NewGuid().ToString("N").Substring(0, 8)))

/// A copy of the folder `source` (all files, recursively) in a fresh tempRun folder.
let copyRun (source: string) name = TestSupport.copyTree source (tempRun name)

/// A `prox` process that SIGINT reaches, with its output read as it runs.
type Interruptible =
    { Process: Process; Stdout: Task<string>; Stderr: Task<string> }
    interface IDisposable with
        member x.Dispose() = x.Process.Dispose()

/// Starts `dotnet prox.dll args` under `env --default-signal=INT`: a process started from a script in the
/// background inherits SIGINT ignored, and .NET then never sees it.
let startInterruptible (args: string list) =
    let psi = ProcessStartInfo("env", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    for a in [ "--default-signal=INT"; "dotnet"; Path.Combine(AppContext.BaseDirectory, "prox.dll") ] @ args do
        psi.ArgumentList.Add a
    let p = nonNull (Process.Start psi)
    { Process = p; Stdout = p.StandardOutput.ReadToEndAsync(); Stderr = p.StandardError.ReadToEndAsync() }

/// Waits until `file` exists, the process ends or `seconds` pass, polling every 5 ms.
let waitForFile (p: Interruptible) (file: string) (seconds: float) =
    let clock = Stopwatch.StartNew()
    while not (File.Exists file) && not p.Process.HasExited && clock.Elapsed.TotalSeconds < seconds do
        Thread.Sleep 5

/// Sends SIGINT, as Ctrl-C would, and waits for the end (failing after 120 s); (exit code, stdout, stderr).
let interrupt (p: Interruptible) =
    use kill = Process.Start("kill", [ "-INT"; string p.Process.Id ])
    kill.WaitForExit()
    if not (p.Process.WaitForExit(TimeSpan.FromSeconds 120.0)) then
        p.Process.Kill true
        failtest "prox did not stop within 120 s of SIGINT"
    p.Process.ExitCode, p.Stdout.Result, p.Stderr.Result
