/// `prox reproduce`'s failure paths (docs/reproduce.md, "Runs are independent and resumable"), seen only from
/// outside: exit codes, messages and files. A folder holding another config is refused with exit 2; a run
/// that fails gives exit 1 naming it while the others finish; Ctrl-C (SIGINT) gives exit 130 with a
/// checkpoint that the next call resumes; a run killed before its first checkpoint starts again.
module ReproduceFailureTests

open System
open System.IO
open Expecto
open CliTestSupport
open FiguresTests

let private reproduce root = [ "reproduce"; "--budget"; "tiny"; "--runs"; root; "--out"; Path.Combine(root, "results"); "--no-png"; "--jobs"; "1" ]

/// The `prox train` arguments reproduce prints for run `name` (from
/// --print-commands), with `--frames` replaced.
let private trainArgs root (name: string) (frames: int) =
    let code, stdout, err = prox [ "reproduce"; "--budget"; "tiny"; "--runs"; root; "--print-commands" ]
    Expect.equal code 0 (sprintf "--print-commands (stderr: %s)" err)
    let line = stdout.Split('\n') |> Array.find (fun l -> l.StartsWith "prox train " && l.TrimEnd().EndsWith(name))
    let args = line.Trim().Split(' ') |> Array.skip 1
    let i = args |> Array.findIndex ((=) "--frames")
    args[i + 1] <- string frames
    List.ofArray args

let private runDir root name = Path.Combine(root, "tiny", name)
let private checkpoint root name = Path.Combine(runDir root name, "checkpoints", "checkpoint.bin")

/// A run trained to 1000 of its 2500 steps, as if interrupted (its checkpoint period is 1000).
let private partialRun root name =
    let code, _, err = prox (trainArgs root name 1000)
    Expect.equal code 0 (sprintf "partial run (stderr: %s)" err)
    Expect.isTrue (File.Exists(checkpoint root name)) "the partial run has a checkpoint"

[<Tests>]
let tests =
    testSequenced <| testList "prox reproduce failures" [
        test "a run folder holding another config is refused with exit 2, naming the folder and --runs" {
            let root = tempDir "reproduce-other"
            let args = trainArgs root "dqn-cartpole-s0" 300
            let i = args |> List.findIndex ((=) "--seed")
            let code, _, err = prox (args |> List.mapi (fun j a -> if j = i + 1 then "7" else a))
            Expect.equal code 0 (sprintf "a run with seed 7 in the folder (stderr: %s)" err)
            let code, _, err = prox (reproduce root)
            Expect.equal code 2 (sprintf "exit code (stderr: %s)" err)
            for fragment in [ "--runs"; runDir root "dqn-cartpole-s0"; "another config" ] do
                Expect.stringContains err fragment "names the flag, the folder and the problem"
            Expect.isFalse (err.Contains "   at ") "no stack trace"
        }
        test "a failing run gives exit 1 naming it; the other run finishes; its checkpoint stays" {
            let root = tempDir "reproduce-fail"
            partialRun root "dqn-cartpole-s0"
            // Damage the checkpoint after its header: the run is resumable on inspection but fails to load.
            let path = checkpoint root "dqn-cartpole-s0"
            let bytes = File.ReadAllBytes path
            File.WriteAllBytes(path, bytes[.. bytes.Length / 2])
            let code, stdout, err = prox (reproduce root)
            Expect.equal code 1 (sprintf "exit code (stdout: %s, stderr: %s)" stdout err)
            Expect.stringContains err "error: run failed: dqn-cartpole-s0" "names the failed run"
            Expect.isFalse (err.Contains "   at ") "no stack trace"
            Expect.isTrue (File.Exists(checkpoint root "dqn-pro-cartpole-s0")) "the other run ran to its end"
            Expect.isTrue (File.Exists path) "the failed run's checkpoint is kept"
        }
        test "SIGINT gives exit 130 and a checkpoint; the next call resumes from it and completes" {
            let root = tempDir "reproduce-sigint"
            // (prox reproduce passes its own SIGINT disposition on to the runs it starts.)
            use p = startInterruptible (reproduce root)
            // Interrupt once the first run is training past its first
            // checkpoint (step 1000 of 2500), as Ctrl-C would.
            waitForFile p (checkpoint root "dqn-cartpole-s0") 120.0
            Expect.isFalse p.Process.HasExited "still running when the first run has its first checkpoint"
            let code, out, err = interrupt p
            Expect.equal code 130 (sprintf "exit code (stdout: %s, stderr: %s)" out err)
            Expect.stringContains out "interrupted" "says so"
            Expect.isTrue (File.Exists(checkpoint root "dqn-cartpole-s0")) "the interrupted run wrote a checkpoint"
            let code, stdout, err = prox (reproduce root)
            Expect.equal code 0 (sprintf "the next call (stderr: %s)" err)
            Expect.stringContains stdout "dqn-cartpole-s0: resuming at step" "resumes the interrupted run"
            Expect.isFalse (stdout.Contains "resuming at step 1000") "from the checkpoint written at the interruption, not the periodic one"
            Expect.stringContains stdout "report: " "completes"
        }
        test "a run without a checkpoint (killed before the first one) starts again and completes" {
            let root = tempDir "reproduce-restart"
            partialRun root "dqn-cartpole-s0"
            Directory.Delete(Path.Combine(runDir root "dqn-cartpole-s0", "checkpoints"), true)
            let code, stdout, err = prox (reproduce root)
            Expect.equal code 0 (sprintf "exit code (stderr: %s)" err)
            Expect.stringContains stdout "dqn-cartpole-s0: no checkpoint yet, starting again" "restarts it"
            Expect.isTrue (File.Exists(checkpoint root "dqn-cartpole-s0")) "and runs it to the end"
            let lines = File.ReadAllLines(Path.Combine(runDir root "dqn-cartpole-s0", "metrics", "evaluations.csv"))
            Expect.equal (lines |> Array.last |> fun l -> l.Split(',')[0]) "2500" "evaluated at the last step"
        }
    ]
