/// Run state through the real `prox` process (docs/run-format.md, "Checkpoints" and "Lock"): a second process
/// on a locked run directory, damaged checkpoints, a run killed before its first checkpoint.
module ReliabilityCliTests

open System
open System.IO
open Expecto
open CliTestSupport
open Research.DeepAgents.Training

let private noStackTrace (err: string) what =
    Expect.isFalse (err.Contains "\n   at " || err.Contains "Unhandled") (sprintf "%s: no stack trace in %s" what err)

/// One finished CartPole run of 1500 steps with checkpoints at 1000 (previous) and 1500 (latest),
/// trained once.
let private finished =
    lazy (
        let dir = tempRun "state-ref"
        let code, _, err = prox [ "train"; "--preset"; "cartpole"; "--frames"; "1500"; "--set"; "checkpoint-period=1000"; "--set"; "min-replay-history=200"
                                  "--set"; "eval-period=0"; "--out"; dir ]
        Expect.equal code 0 (sprintf "train (stderr: %s)" err)
        dir)

/// A copy of the finished run for one test to change.
let private smallRun name = copyRun (finished.Force()) name

[<Tests>]
let tests =
    testSequenced <| testList "prox run state" [
        test "a second process on a locked run directory is refused at once, naming pid, host and since" {
            let dir = smallRun "locked"
            do
                use held = RunDirectoryLock.Acquire dir
                let code, _, err = prox [ "train"; "--resume"; "--out"; dir; "--frames"; "3000" ]
                Expect.equal code 1 "run failure"
                Expect.stringContains err $"pid {Environment.ProcessId} on host {Environment.MachineName}" "names the holder"
                Expect.stringContains err "since" "since when"
                noStackTrace err "locked"
                Expect.equal (Checkpoint.ReadHeader(RunDirectory(dir).CheckpointPath).Steps) 1500L "nothing written"
            // Released: the same command now works.
            let code, out, err = prox [ "train"; "--resume"; "--out"; dir; "--frames"; "1600" ]
            Expect.equal code 0 (sprintf "resume after release (stderr: %s)" err)
            Expect.stringContains out "done: 1600 steps" "resumed"
            Directory.Delete(dir, true)
        }

        test "damaged checkpoints through prox: fallback with a warning, refusal naming both files, --verbose for the trace" {
            let dir = smallRun "damaged"
            let run = RunDirectory(dir)
            let bytes = File.ReadAllBytes run.CheckpointPath
            bytes[bytes.Length / 2] <- bytes[bytes.Length / 2] ^^^ 1uy
            File.WriteAllBytes(run.CheckpointPath, bytes)
            let code, out, err = prox [ "eval"; "--run"; dir; "--episodes"; "1" ]
            Expect.equal code 0 (sprintf "eval falls back (stderr: %s)" err)
            Expect.stringContains err "checksum mismatch" "warns"
            Expect.stringContains out "after 1000 steps" "the previous checkpoint was evaluated"
            File.WriteAllBytes(run.PreviousCheckpointPath, [||])
            let code, _, err = prox [ "train"; "--resume"; "--out"; dir ]
            Expect.equal code 1 "run failure"
            Expect.stringContains err run.CheckpointPath "latest named"
            Expect.stringContains err run.PreviousCheckpointPath "previous named"
            Expect.stringContains err "is empty" "what is wrong"
            noStackTrace err "damaged"
            let code, _, err = prox [ "train"; "--resume"; "--out"; dir; "--verbose" ]
            Expect.equal code 1 "same code with --verbose"
            Expect.stringContains err "   at " "stack trace with --verbose"
            let code, _, err = proxWith [ "PROX_VERBOSE", Some "1" ] [ "train"; "--resume"; "--out"; dir ]
            Expect.equal code 1 "same code with PROX_VERBOSE=1"
            Expect.stringContains err "   at " "stack trace with PROX_VERBOSE=1"
            Directory.Delete(dir, true)
        }

        test "a run killed before its first checkpoint resumes from step 0, saying so" {
            let dir = smallRun "restart"
            let run = RunDirectory(dir)
            File.Delete run.CheckpointPath
            File.Delete run.PreviousCheckpointPath
            let code, out, err = prox [ "train"; "--resume"; "--out"; dir ]
            Expect.equal code 0 (sprintf "restart (stderr: %s)" err)
            Expect.stringContains err "starting it again from step 0" "says so"
            Expect.stringContains out "from step 0" "trained from the start"
            Directory.Delete(dir, true)
        }
    ]
