/// Helpers every test project shares (tests/Cli.Tests links this file).
module TestSupport

open System
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

/// A file or folder of the repository (path relative to its root, `/`-separated). Missing data is a
/// failure of the calling test, never a skip.
let repoPath (relative: string) =
    let path = Path.GetFullPath(Path.Combine(repoRoot.Force(), relative))
    if not (File.Exists path || Directory.Exists path) then
        failwithf "%s not found: test data lives in the repository at %s" path relative
    path

/// The MinAtar conformance traces, tests/data/minatar-golden (docs/environments.md, "Conformance suite").
let goldenDir () = repoPath "tests/data/minatar-golden"
