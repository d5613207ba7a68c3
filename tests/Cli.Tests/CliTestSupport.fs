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

/// A fresh run-directory path under the temp folder (not created).
let tempRun name =
    Path.Combine(Path.GetTempPath(), "prox-cli-tests", sprintf "%s-%s" name (Guid.NewGuid().ToString("N").Substring(0, 8)))

/// A copy of the folder `source` (all files, recursively) in a fresh tempRun folder.
let copyRun (source: string) name =
    let dir = tempRun name
    for file in Directory.GetFiles(source, "*", SearchOption.AllDirectories) do
        let target = Path.Combine(dir, Path.GetRelativePath(source, file))
        Directory.CreateDirectory(nonNull (Path.GetDirectoryName target)) |> ignore
        File.Copy(file, target)
    dir
