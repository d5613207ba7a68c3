/// Helpers shared by the CLI tests that run `prox` as a real process.
module CliTestSupport

open System
open System.IO

/// Runs `dotnet prox.dll args` from the test's output folder with environment variables changed
/// (None removes one); returns (exit code, stdout, stderr).
let proxWith (variables: (string * string option) list) (args: string list) =
    TestSupport.runWith null variables "dotnet" (Path.Combine(AppContext.BaseDirectory, "prox.dll") :: args)

/// Runs `dotnet prox.dll args` from the test's output folder; returns (exit code, stdout, stderr).
let prox (args: string list) = proxWith [] args
