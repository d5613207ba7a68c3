/// Helpers shared by the environment, MinAtar, CartPole and MT19937 tests.
module EnvironmentsTestSupport

open System
open System.IO
open Expecto

/// Runs f and returns the exception of type 'E it throws (fails the test otherwise).
let catchExn<'E when 'E :> exn> (f: unit -> unit) : 'E =
    let outcome =
        try
            f ()
            None
        with
        | :? 'E as e -> Some e
    match outcome with
    | Some e -> e
    | None -> failtestf "expected %s, nothing was thrown" typeof<'E>.Name

/// The repository root (<see cref="TestSupport.repoRoot"/>).
let repoRoot = TestSupport.repoRoot

/// tests/data/minatar-golden (<see cref="TestSupport.goldenDir"/>).
let goldenDir = TestSupport.goldenDir

/// All golden trace files, sorted.
let goldenTraces () =
    Directory.GetFiles(goldenDir (), "*.jsonl.gz") |> Array.sort

/// A deterministic action sequence in 0..count-1.
let actions (seed: int) (count: int) (n: int) =
    let rng = Random seed
    Array.init n (fun _ -> rng.Next count)
