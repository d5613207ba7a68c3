/// `prox env replay` and `prox env info`, run as a real process (exit codes and output).
module EnvCliTests

open System
open System.IO
open System.IO.Compression
open Expecto
open CliTestSupport

let private trace name = Path.Combine(TestSupport.goldenDir (), name)

/// Writes gzipped lines to a temporary file.
let private writeTrace (lines: string seq) =
    let path = Path.Combine(Path.GetTempPath(), $"prox-env-test-{Guid.NewGuid():N}.jsonl.gz")
    do
        use gz = new GZipStream(File.Create path, CompressionLevel.Fastest)
        use w = new StreamWriter(gz)
        for l in lines do w.WriteLine(l: string)
    path

let private readTrace path =
    use gz = new GZipStream(File.OpenRead path, CompressionMode.Decompress)
    use r = new StreamReader(gz)
    r.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)

[<Tests>]
let tests =
    testList "prox env" [
        test "env lists replay and info" {
            let code, out, _ = prox [ "env"; "--help" ]
            Expect.equal code 0 "exit code"
            Expect.stringContains out "replay" "replay listed"
            Expect.stringContains out "info" "info listed"
        }

        test "replay of a golden trace prints OK 5000 steps and exits 0" {
            let code, out, err = prox [ "env"; "replay"; "--trace"; trace "freeway-seed0-sticky0.0-ramp0.jsonl.gz" ]
            Expect.equal code 0 $"exit code (stderr: {err})"
            Expect.equal (out.Trim()) "OK 5000 steps" "output"
        }

        test "replay reports the first mismatch and exits 1" {
            let lines = readTrace (trace "asterix-seed1-sticky0.1-ramp1.jsonl.gz")
            let i = lines |> Array.findIndex (fun l -> l.Contains "\"r\": 0,")
            lines.[i] <- lines.[i].Replace("\"r\": 0,", "\"r\": 3,")
            let path = writeTrace lines
            try
                let code, out, _ = prox [ "env"; "replay"; "--trace"; path ]
                Expect.equal code 1 "exit code"
                Expect.stringContains out $"(line {i + 1}): r: expected 3, got 0" "step, field, expected, got"
                Expect.stringContains out "MISMATCH at step" "mismatch line"
            finally File.Delete path
        }

        test "replay of a malformed file exits 2 with the reason" {
            let lines = readTrace (trace "breakout-seed0-sticky0.0-ramp0.jsonl.gz")
            lines.[0] <- lines.[0].Replace("\"difficulty_ramping\": false, ", "")
            let path = writeTrace lines
            try
                let code, _, err = prox [ "env"; "replay"; "--trace"; path ]
                Expect.equal code 2 "exit code"
                Expect.stringContains err "missing field 'difficulty_ramping'" "names the field"
            finally File.Delete path
        }

        test "replay of a file that is not gzip exits 2" {
            let path = Path.GetTempFileName()
            try
                File.WriteAllText(path, "{\"game\": \"breakout\"}")
                let code, _, err = prox [ "env"; "replay"; "--trace"; path ]
                Expect.equal code 2 "exit code"
                Expect.stringContains err "not a valid gzip file" "reason"
            finally File.Delete path
        }

        test "replay of a missing file or without --trace exits 2" {
            let code, _, err = prox [ "env"; "replay"; "--trace"; "/no/such/trace.jsonl.gz" ]
            Expect.equal code 2 "missing file"
            Expect.stringContains err "--trace" "names the flag"
            let code2, _, _ = prox [ "env"; "replay" ]
            Expect.equal code2 2 "missing flag"
        }

        test "info prints channels, full and minimal actions and options" {
            let code, out, _ = prox [ "env"; "info"; "--game"; "space_invaders" ]
            Expect.equal code 0 "exit code"
            for expected in [ "observation: [6, 10, 10]"; "3 alien_right"; "5 enemy_bullet"; "4 down"; "3 -> 5 fire"; "sticky_action_probability  default 0.1"; "difficulty_ramping         default on" ] do
                Expect.stringContains out expected expected
        }

        test "info of an unknown game exits 2 and lists the games" {
            let code, _, err = prox [ "env"; "info"; "--game"; "pong" ]
            Expect.equal code 2 "exit code"
            Expect.stringContains err "--game: 'pong'" "names flag and value"
            Expect.stringContains err "asterix, breakout, freeway, seaquest, space_invaders, cartpole" "lists the allowed"
        }
    ]
