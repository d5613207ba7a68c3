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

/// ../shared/minatar-golden relative to the repository root.
let goldenDir () = Path.GetFullPath(Path.Combine(repoRoot.Force(), "..", "shared", "minatar-golden"))
