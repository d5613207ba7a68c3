/// Helpers every test project shares (tests/Cli.Tests links this file).
module TestSupport

open System
open System.Diagnostics
open System.IO

/// The repository root: the folder holding Research.sln, found by walking up from the test binary.
let repoRoot =
    lazy (
        let rec up (dir: string) =
            if File.Exists(Path.Combine(dir, "Research.sln")) then dir
            else
                match Path.GetDirectoryName dir with
                | null -> failwith "Research.sln not found above the test binary"
                | parent when parent = dir -> failwith "Research.sln not found above the test binary"
                | parent -> up parent
        up (Path.GetFullPath AppContext.BaseDirectory))

/// Runs a program to its end in `workDir` (null: the current folder) with environment variables changed
/// (None removes one); returns (exit code, stdout, stderr).
let runWith (workDir: string | null) (variables: (string * string option) list) (file: string) (args: string list) =
    let psi = ProcessStartInfo(file, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false)
    match workDir with
    | null -> ()
    | dir -> psi.WorkingDirectory <- dir
    for name, value in variables do
        match value with
        | Some v -> psi.Environment[name] <- v
        | None -> psi.Environment.Remove name |> ignore
    for a in args do psi.ArgumentList.Add a
    use p = nonNull (Process.Start psi)
    let out = p.StandardOutput.ReadToEndAsync()
    let err = p.StandardError.ReadToEndAsync()
    p.WaitForExit()
    p.ExitCode, out.Result, err.Result

/// Runs a program to its end in `workDir` (null: the current folder); returns (exit code, stdout, stderr).
let runIn (workDir: string | null) (file: string) (args: string list) = runWith workDir [] file args

/// Copies every file below `source` (recursively) into `target`, creating folders as needed;
/// returns `target`.
let copyTree (source: string) (target: string) =
    for file in Directory.GetFiles(source, "*", SearchOption.AllDirectories) do
        let destination = Path.Combine(target, Path.GetRelativePath(source, file))
        Directory.CreateDirectory(nonNull (Path.GetDirectoryName destination)) |> ignore
        File.Copy(file, destination)
    target

/// A file or folder of the repository (path relative to its root, `/`-separated). Missing data is a
/// failure of the calling test, never a skip.
let repoPath (relative: string) =
    let path = Path.GetFullPath(Path.Combine(repoRoot.Force(), relative))
    if not (File.Exists path || Directory.Exists path) then
        failwithf "%s not found: test data lives in the repository at %s" path relative
    path

/// The MinAtar conformance traces, tests/data/minatar-golden (docs/environments.md, "Conformance suite").
let goldenDir () = repoPath "tests/data/minatar-golden"
