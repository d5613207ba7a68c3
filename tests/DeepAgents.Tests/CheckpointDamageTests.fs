/// Damaged run state (docs/run-format.md, "Checkpoints" and "Lock"): every damage is refused with a message
/// naming the file, or recovered from the previous checkpoint; never a silently different run.
module CheckpointDamageTests

open System
open System.Diagnostics
open System.IO
open Expecto
open Research.DeepAgents.Training
open TrainingTestSupport
open TrainingTests

let private flipByte (path: string) (offset: int64) =
    use f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite)
    f.Seek(offset, SeekOrigin.Begin) |> ignore
    let b = f.ReadByte()
    f.Seek(offset, SeekOrigin.Begin) |> ignore
    f.WriteByte(byte (b ^^^ 0x10))

/// Resumes `dir`, collecting the notices.
let private resume (dir: string) =
    let notes = Collections.Generic.List<string>()
    let trainer = Trainer.Resume(dir, Nullable(), null, Action<string>(notes.Add))
    trainer, List.ofSeq notes

let private damaged (f: unit -> unit) = throwsMessage<CheckpointDamagedException> f

/// One finished tiny run shared by the read-only tests (checkpoints at 2000 = previous and 3000 = latest).
let private reference = lazy (let dir = tempRun "damage-ref" in train tiny dir |> ignore; dir)

/// A copy of the reference run to damage.
let private copyRun name = TestSupport.copyTree (reference.Force()) (tempRun name)

[<Tests>]
let checkpointDamageTests =
    testSequenced <| testList "Checkpoint damage" [
        test "a damaged latest checkpoint resumes from the previous one, says so, and ends byte-identical" {
            let full = reference.Force()
            let split = copyRun "damage-latest"
            let run = RunDirectory(split)
            flipByte run.CheckpointPath ((FileInfo run.CheckpointPath).Length / 2L)
            let trainer, notes = resume split
            do
                use trainer = trainer
                Expect.equal trainer.Agent.Steps 2000L "restored from the previous checkpoint (step 2000)"
                let note = String.Join("\n", notes)
                Expect.stringContains note "checksum mismatch" "says what is wrong"
                Expect.stringContains note run.CheckpointPath "names the damaged file"
                Expect.stringContains note "resuming from the previous checkpoint" "says what it does"
                Expect.isTrue (trainer.Train().Completed) "completed"
            expectSameMetrics full split "damaged latest + fallback"
            Expect.equal (Checkpoint.Verify run.CheckpointPath) Checkpoint.Version "the new latest verifies"
            deleteRuns [ split ]
        }

        test "a flipped byte anywhere is refused before anything is restored" {
            let dir = copyRun "damage-flip"
            let path = RunDirectory(dir).CheckpointPath
            let original = File.ReadAllBytes path
            Expect.equal (Checkpoint.Verify path) Checkpoint.Version "the intact file verifies"
            let n = int64 original.Length
            let offsets = [ yield! [ 0L .. 15L ]; yield! [ n - 40L .. n - 1L ]; for k in 0L .. 199L do yield 16L + k * (n - 60L) / 200L ] |> List.distinct
            for offset in offsets do
                File.WriteAllBytes(path, original)
                flipByte path offset
                let message = damaged (fun () -> Checkpoint.Verify path |> ignore)
                Expect.stringContains message path (sprintf "offset %d: names the file" offset)
            Expect.isGreaterThan offsets.Length 200 "many offsets"
            deleteRuns [ dir ]
        }

        test "truncated and empty checkpoints are refused naming the file" {
            let dir = copyRun "damage-trunc"
            let path = RunDirectory(dir).CheckpointPath
            let original = File.ReadAllBytes path
            let n = original.Length
            let lengths = [ yield! [ 0 .. 50 ]; for k in 1 .. 100 do yield k * (n - 1) / 100
                            yield n - 1 ] |> List.distinct
            for length in lengths do
                File.WriteAllBytes(path, original[.. length - 1])
                let message = damaged (fun () -> Checkpoint.Verify path |> ignore)
                Expect.stringContains message path $"length {length}: names the file"
                let expected = if length = 0 then "empty" else "truncated"
                Expect.stringContains message expected $"length {length}: says {expected}"
            deleteRuns [ dir ]
        }

        test "both checkpoints damaged: refused, naming both files and what to do" {
            let dir = copyRun "damage-both"
            let run = RunDirectory(dir)
            File.WriteAllBytes(run.CheckpointPath, [||])
            flipByte run.PreviousCheckpointPath 100L
            let message = damaged (fun () -> Trainer.Resume(dir) |> ignore)
            Expect.stringContains message run.CheckpointPath "latest named"
            Expect.stringContains message run.PreviousCheckpointPath "previous named"
            Expect.stringContains message "cannot continue exactly" "no silent restart"
            deleteRuns [ dir ]
        }

        test "a missing latest (killed between the two renames) resumes from the previous one" {
            let dir = copyRun "damage-missing"
            let run = RunDirectory(dir)
            File.Delete run.CheckpointPath
            let trainer, notes = resume dir
            use trainer = trainer
            Expect.equal trainer.Agent.Steps 2000L "previous used"
            Expect.stringContains (String.Join("\n", notes)) "does not exist" "says the latest is missing"
            deleteRuns [ dir ]
        }

        test "config but no checkpoint: resume starts again from step 0 with fresh metrics, saying so" {
            let dir = copyRun "damage-nockpt"
            let run = RunDirectory(dir)
            File.Delete run.CheckpointPath
            File.Delete run.PreviousCheckpointPath
            do
                let trainer, notes = resume dir
                use trainer = trainer
                Expect.equal trainer.Agent.Steps 0L "from step 0"
                Expect.stringContains (String.Join("\n", notes)) "starting it again from step 0" "says so"
            Expect.equal (File.ReadAllLines(Path.Combine(dir, "metrics", "episodes.csv"))).Length 1 "metrics cleared (header only)"
            deleteRuns [ dir ]
        }

        test "a metrics file shorter than its recorded offset is refused naming it" {
            let dir = copyRun "damage-metrics"
            let episodes = Path.Combine(dir, "metrics", "episodes.csv")
            File.WriteAllBytes(episodes, (File.ReadAllBytes episodes)[.. 99])
            let message = throwsMessage<InvalidDataException> (fun () -> Trainer.Resume(dir) |> ignore)
            Expect.stringContains message episodes "names the metrics file"
            Expect.stringContains message "checkpoint recorded" "says what does not fit"
            deleteRuns [ dir ]
        }

        test "a hand-edited config.json is refused naming the file: bad JSON, wrong type, unknown key, range, changed value" {
            let dir = copyRun "damage-config"
            let run = RunDirectory(dir)
            let original = File.ReadAllText run.ConfigPath
            let gamma = "\"gamma\": 0.99"
            Expect.stringContains original gamma "the preset's gamma is in config.json"
            for edited, expected in [ "{", "not a valid run config"
                                      original.Replace(gamma, "\"gamma\": \"x\""), "gamma"
                                      original.Replace(gamma, "\"gammaa\": 0.99"), "gammaa"
                                      original.Replace(gamma, "\"gamma\": 1.5"), "invalid value for gamma"
                                      original.Replace(gamma, "\"gamma\": 0.9"), "does not match the config stored in"
                                      "", "not a valid run config" ] do
                File.WriteAllText(run.ConfigPath, edited)
                let message = throwsMessage<InvalidDataException> (fun () -> Trainer.Resume(dir) |> ignore)
                Expect.stringContains message run.ConfigPath "names config.json"
                Expect.stringContains message expected "says what is wrong"
            deleteRuns [ dir ]
        }

        test "a format-1 checkpoint (no checksum) still loads, with a warning" {
            let dir = copyRun "damage-v1"
            let run = RunDirectory(dir)
            // Format 1 = the same content with version 1 and a trailing
            // PROXCKPT instead of the checksum footer.
            let v2 = File.ReadAllBytes run.CheckpointPath
            let content = v2[.. v2.Length - 33]
            BitConverter.GetBytes(1).CopyTo(content, 8)
            File.WriteAllBytes(run.CheckpointPath, Array.append content "PROXCKPT"B)
            let trainer, notes = resume dir
            use trainer = trainer
            Expect.equal trainer.Agent.Steps 3000L "the format-1 latest is used"
            Expect.stringContains (String.Join("\n", notes)) "without a checksum" "warned"
            deleteRuns [ dir ]
        }
    ]

[<Tests>]
let lockTests =
    testSequenced <| testList "Run directory lock" [
        test "a second holder is refused at once, naming pid, host and since; released on dispose" {
            let dir = tempRun "lock"
            do
                use held = RunDirectoryLock.Acquire dir
                Expect.isNull held.TakenOver "a fresh lock takes nothing over"
                let holder = nonNull (RunDirectoryLock.Holder dir)
                Expect.equal holder.Pid Environment.ProcessId "holder pid recorded"
                let message = throwsMessage<RunDirectoryLockedException> (fun () -> RunDirectoryLock.Acquire dir |> ignore)
                Expect.stringContains message $"pid {Environment.ProcessId}" "pid"
                Expect.stringContains message $"host {Environment.MachineName}" "host"
                Expect.stringContains message holder.Since "since"
            Expect.isNull (RunDirectoryLock.Holder dir) "holder record removed"
            use again = RunDirectoryLock.Acquire dir
            Expect.isNull again.TakenOver "a clean release leaves nothing to take over"
            deleteRuns [ dir ]
        }

        test "a lock left by a dead process on this host is taken over, naming it" {
            let dir = tempRun "lock-stale"
            Directory.CreateDirectory dir |> ignore
            use dead = nonNull (Process.Start(ProcessStartInfo("true", UseShellExecute = false)))
            dead.WaitForExit()
            let since = DateTime.UtcNow.AddMinutes(-5.0).ToString("o")
            File.WriteAllText(RunDirectoryLock.LockPath dir + ".json",
                              $"{{ \"pid\": {dead.Id}, \"host\": \"{Environment.MachineName}\", \"since\": \"{since}\" }}")
            use taken = RunDirectoryLock.Acquire dir
            Expect.stringContains (string taken.TakenOver) $"pid {dead.Id}" "names the dead holder"
            Expect.equal (nonNull (RunDirectoryLock.Holder dir)).Pid Environment.ProcessId "now held by this process"
            deleteRuns [ dir ]
        }

        test "a live process recorded on this host is respected even without the OS lock" {
            let dir = tempRun "lock-live"
            Directory.CreateDirectory dir |> ignore
            use live = nonNull (Process.Start(ProcessStartInfo("sleep", "30", UseShellExecute = false)))
            try
                Threading.Thread.Sleep 50
                let since = DateTime.UtcNow.ToString("o")
                File.WriteAllText(RunDirectoryLock.LockPath dir + ".json",
                                  $"{{ \"pid\": {live.Id}, \"host\": \"{Environment.MachineName}\", \"since\": \"{since}\" }}")
                let message = throwsMessage<RunDirectoryLockedException> (fun () -> RunDirectoryLock.Acquire dir |> ignore)
                Expect.stringContains message $"pid {live.Id}" "names the live holder"
            finally
                live.Kill()
            deleteRuns [ dir ]
        }
    ]
