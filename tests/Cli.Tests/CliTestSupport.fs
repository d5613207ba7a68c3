/// Helpers shared by the CLI tests that run `prox` as a real process.
module CliTestSupport

open System
open System.Diagnostics
open System.IO

/// Runs `dotnet prox.dll args` from the test's output folder with environment variables changed
/// (None removes one); returns (exit code, stdout, stderr).
let proxWith (variables: (string * string option) list) (args: string list) =
    let psi = ProcessStartInfo("dotnet", RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    for name, value in variables do
        match value with
        | Some v -> psi.Environment[name] <- v
        | None -> psi.Environment.Remove name |> ignore
    psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "prox.dll"))
    for a in args do psi.ArgumentList.Add a
    use p = nonNull (Process.Start psi)
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    p.WaitForExit()
    (p.ExitCode, out.Result, err.Result)

/// Runs `dotnet prox.dll args` from the test's output folder; returns (exit code, stdout, stderr).
let prox (args: string list) = proxWith [] args
