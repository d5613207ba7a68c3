module Mt19937Tests

open System
open Expecto
open Research.DeepAgents.Random

/// Known outputs of the MT19937 reference and of numpy's legacy RandomState (spec/minatar.md, "Randomness").
[<Tests>]
let tests =
    testList "Mt19937" [
        test "seed 5489 gives the reference first output 3499211612" {
            let rng = Mt19937 5489u
            Expect.equal (rng.NextUInt32()) 3499211612u "first output"
        }

        test "seed 5489 gives the reference 10000th output 4123659995 (C++ std::mt19937 requirement)" {
            let rng = Mt19937 5489u
            for _ in 1 .. 9999 do rng.NextUInt32() |> ignore
            Expect.equal (rng.NextUInt32()) 4123659995u "10000th output"
        }

        test "RandomState(0).rand() sequence" {
            let rng = Mt19937 0u
            let got = Array.init 5 (fun _ -> rng.NextDouble())
            let expected = [| 0.5488135039273248; 0.7151893663724195; 0.6027633760716439; 0.5448831829968969; 0.4236547993389047 |]
            Expect.equal got expected "numpy RandomState(0).rand(5)"
        }

        test "RandomState(42).rand() sequence" {
            let rng = Mt19937 42u
            let got = Array.init 3 (fun _ -> rng.NextDouble())
            Expect.equal got [| 0.3745401188473625; 0.9507143064099162; 0.7319939418114051 |] "numpy RandomState(42).rand(3)"
        }

        test "RandomState(0).randint(0, 10) sequence" {
            let rng = Mt19937 0u
            let got = Array.init 10 (fun _ -> rng.RandInt(0, 10))
            Expect.equal got [| 5; 0; 3; 3; 7; 9; 3; 5; 2; 4 |] "numpy RandomState(0).randint(0, 10, size=10)"
        }

        test "RandomState(42).randint(0, 10) sequence" {
            let rng = Mt19937 42u
            let got = Array.init 10 (fun _ -> rng.RandInt(0, 10))
            Expect.equal got [| 6; 3; 7; 4; 6; 9; 2; 6; 7; 4 |] "numpy RandomState(42).randint(0, 10, size=10)"
        }

        test "randint masks the word and rejects values above the range" {
            // randint(0, 10): mask 15, so each draw is next32() & 15, kept only when <= 9.
            let a = Mt19937 7u
            let b = Mt19937 7u
            for _ in 1 .. 200 do
                let mutable v = b.NextUInt32() &&& 15u
                while v > 9u do v <- b.NextUInt32() &&& 15u
                Expect.equal (a.RandInt(0, 10)) (int v) "masked rejection"
        }

        test "randint with a single value draws nothing" {
            let a = Mt19937 3u
            let b = Mt19937 3u
            Expect.equal (a.RandInt(4, 5)) 4 "only value"
            Expect.equal (a.NextUInt32()) (b.NextUInt32()) "stream not advanced"
        }

        test "rand() is built from two words: ((a>>5)*2^26 + (b>>6)) / 2^53" {
            let a = Mt19937 11u
            let b = Mt19937 11u
            for _ in 1 .. 100 do
                let hi = b.NextUInt32() >>> 5
                let lo = b.NextUInt32() >>> 6
                Expect.equal (a.NextDouble()) ((float hi * 67108864.0 + float lo) / 9007199254740992.0) "res53"
        }

        test "saved state continues identically, across a twist boundary" {
            let rng = Mt19937 123u
            for _ in 1 .. 600 do rng.NextUInt32() |> ignore
            let state = rng.GetState()
            let first = Array.init 100 (fun _ -> rng.NextUInt32())
            let other = Mt19937 999u
            other.SetState state
            Expect.equal (Array.init 100 (fun _ -> other.NextUInt32())) first "restored stream"
            state.Key.[0] <- 0u
            rng.SetState(other.GetState())
            Expect.equal (rng.NextUInt32()) (other.NextUInt32()) "GetState returns a copy"
        }

        test "binary write/read round-trips the stream" {
            let rng = Mt19937 5u
            for _ in 1 .. 10 do rng.NextDouble() |> ignore
            use ms = new IO.MemoryStream()
            use w = new IO.BinaryWriter(ms)
            rng.Write w
            w.Flush()
            ms.Position <- 0L
            let copy = Mt19937 0u
            copy.Read(new IO.BinaryReader(ms))
            Expect.equal (Array.init 700 (fun _ -> copy.NextUInt32())) (Array.init 700 (fun _ -> rng.NextUInt32())) "same continuation"
        }

        test "SetState rejects a wrong key length or position" {
            let rng = Mt19937 0u
            let e = EnvironmentsTestSupport.catchExn<ArgumentException> (fun () -> rng.SetState(Mt19937State(Array.zeroCreate 10, 0)))
            Expect.stringContains e.Message "624" "names the required length"
            let e2 = EnvironmentsTestSupport.catchExn<ArgumentException> (fun () -> rng.SetState(Mt19937State(Array.zeroCreate 624, 625)))
            Expect.stringContains e2.Message "Position" "names the field"
        }
    ]
