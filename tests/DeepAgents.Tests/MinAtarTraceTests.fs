/// The conformance suite: every golden trace recorded from reference MinAtar 1.0.15 must replay bit-exactly.
module MinAtarTraceTests

open System
open System.IO
open System.IO.Compression
open Expecto
open Research.DeepAgents.Environments.MinAtar
open EnvironmentsTestSupport

let private readLines (path: string) =
    use gz = new GZipStream(File.OpenRead path, CompressionMode.Decompress)
    use reader = new StreamReader(gz)
    reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)

let private replayLines (lines: string[]) =
    GoldenTrace.Replay(new StringReader(String.Join("\n", lines)), "test-trace")

let private malformed (lines: string[]) =
    catchExn<InvalidDataException> (fun () -> replayLines lines |> ignore)

let private breakoutTrace () =
    goldenTraces () |> Array.find (fun f -> f.EndsWith "breakout-seed0-sticky0.1-ramp1.jsonl.gz")

[<Tests>]
let tests =
    testList "MinAtar golden traces" [
        test "the suite holds 30 traces: 5 games x seeds 0-2 x two settings" {
            Expect.equal (goldenTraces ()).Length 30 $"traces in {goldenDir ()}"
        }

        testList "replay" [
            // A missing folder fails here (and in the count test) instead of breaking test discovery.
            match (try Ok(goldenTraces ()) with e -> Error e.Message) with
            | Error message -> yield test "golden traces are readable" { failtest message }
            | Ok paths ->
                for path in paths do
                    yield test (nonNull (Path.GetFileName path)) {
                        let result = GoldenTrace.Replay path
                        Expect.isNone (Option.ofObj result.Mismatch) $"first mismatch: {result.Mismatch}"
                        Expect.equal result.Steps 5000 "every act line replayed"
                    }
        ]

        test "a flipped state bit is reported at its step, row, column and channel" {
            let lines = readLines (breakoutTrace ())
            // line index 11 (line 12) is the 9th act (one reset line before it); flip the first
            // bit of its state (row 0, col 0, channel 0 paddle).
            let line = lines.[11]
            let at = line.IndexOf("\"s\": \"") + 6
            let first = Convert.ToInt32(line.Substring(at, 2), 16) ^^^ 0x80
            lines.[11] <- line.Substring(0, at) + first.ToString("x2") + line.Substring(at + 2)
            let result = replayLines lines
            let m = Expect.wantSome (Option.ofObj result.Mismatch) "mismatch expected"
            let actsUpToLine12 = lines.[1..11] |> Array.filter (fun l -> l.StartsWith "{\"a\"") |> Array.length
            Expect.equal actsUpToLine12 9 "this trace resets once before line 12"
            Expect.equal (m.Step, m.Line) (9, 12) "step (act count) and line"
            Expect.equal m.Field "s[row 0, col 0, channel 0 paddle]" "field"
            Expect.equal (m.Expected, m.Got) ((if first &&& 0x80 <> 0 then "1" else "0"), (if first &&& 0x80 <> 0 then "0" else "1")) "values"
        }

        test "a wrong reward is reported as field r" {
            let lines = readLines (breakoutTrace ())
            let i = lines |> Array.findIndex (fun l -> l.Contains "\"r\": 0," || l.Contains "\"r\":0,")
            lines.[i] <- lines.[i].Replace("\"r\": 0,", "\"r\": 5,").Replace("\"r\":0,", "\"r\":5,")
            let m = Expect.wantSome (Option.ofObj (replayLines lines).Mismatch) "mismatch expected"
            Expect.equal (m.Field, m.Expected, m.Got) ("r", "5", "0") "reward mismatch"
        }

        test "a wrong terminal is reported as field t" {
            let lines = readLines (breakoutTrace ())
            let i = lines |> Array.findIndex (fun l -> l.Contains "\"t\": false")
            lines.[i] <- lines.[i].Replace("\"t\": false", "\"t\": true")
            let m = Expect.wantSome (Option.ofObj (replayLines lines).Mismatch) "mismatch expected"
            Expect.equal (m.Field, m.Expected, m.Got) ("t", "true", "false") "terminal mismatch"
        }

        testList "malformed traces" [
            test "bad gzip" {
                let path = Path.GetTempFileName()
                try
                    File.WriteAllText(path, "this is not gzip")
                    let e = catchExn<InvalidDataException> (fun () -> GoldenTrace.Replay path |> ignore)
                    Expect.stringContains e.Message "gzip" "names the problem"
                finally File.Delete path
            }
            test "bad JSON" {
                let lines = readLines (breakoutTrace ())
                lines.[3] <- "{\"a\": 1, "
                let e = malformed lines
                Expect.stringContains e.Message "line 4" "names the line"
                Expect.stringContains e.Message "invalid JSON" "names the problem"
            }
            test "missing header field" {
                let lines = readLines (breakoutTrace ())
                lines.[0] <- lines.[0].Replace("\"seed\": 0, ", "")
                let e = malformed lines
                Expect.stringContains e.Message "missing field 'seed'" "names the field"
            }
            test "unknown game" {
                let lines = readLines (breakoutTrace ())
                lines.[0] <- lines.[0].Replace("\"breakout\"", "\"pong\"")
                let e = malformed lines
                Expect.stringContains e.Message "'pong'" "names the value"
                Expect.stringContains e.Message "space_invaders" "lists the allowed games"
            }
            test "wrong state length" {
                let lines = readLines (breakoutTrace ())
                lines.[5] <- lines.[5].Replace("\"s\": \"", "\"s\": \"00")
                let e = malformed lines
                Expect.stringContains e.Message "field 's' has 51 bytes; expected 50" "names field, got and expected"
            }
            test "missing act field" {
                let lines = readLines (breakoutTrace ())
                lines.[5] <- lines.[5].Replace("\"a\": ", "\"action\": ")
                let e = malformed lines
                Expect.stringContains e.Message "missing field 'a'" "names the field"
            }
            test "too few act lines for the header's step count" {
                let lines = readLines (breakoutTrace ())
                let e = malformed lines.[.. lines.Length - 2]
                Expect.stringContains e.Message "'steps' is 5000 but the file has 4999" "names the count"
            }
        ]
    ]
