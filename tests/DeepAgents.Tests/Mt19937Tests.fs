module Mt19937Tests

open System
open Expecto
open Research.DeepAgents.Random

/// MT19937 written out word by word as in the reference C code (genrand_int32): the comparison for the
/// block-at-a-time, vectorised implementation.
type private WordAtATime(seed: uint32) =
    let mt = Array.zeroCreate<uint32> 624
    let mutable index = 624
    do
        mt.[0] <- seed
        for i in 1 .. 623 do mt.[i] <- 1812433253u * (mt.[i - 1] ^^^ (mt.[i - 1] >>> 30)) + uint32 i
    member _.Next() =
        if index >= 624 then
            for k in 0 .. 623 do
                let y = (mt.[k] &&& 0x80000000u) ||| (mt.[(k + 1) % 624] &&& 0x7fffffffu)
                mt.[k] <- mt.[(k + 397) % 624] ^^^ (y >>> 1) ^^^ (if y &&& 1u = 1u then 0x9908b0dfu else 0u)
            index <- 0
        let mutable y = mt.[index]
        index <- index + 1
        y <- y ^^^ (y >>> 11)
        y <- y ^^^ ((y <<< 7) &&& 0x9d2c5680u)
        y <- y ^^^ ((y <<< 15) &&& 0xefc60000u)
        y ^^^ (y >>> 18)

let private twoPow53 = 9007199254740992.0

/// Known outputs of the MT19937 reference and of numpy's legacy RandomState
/// (docs/environments.md, "The random stream").
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
    
        test "the block-at-a-time stream equals a word-at-a-time MT19937 over 200 blocks" {
            for seed in [ 0u; 1u; 42u; 5489u; 0xffffffffu ] do
                let rng = Mt19937 seed
                let reference = WordAtATime seed
                for i in 1 .. 624 * 200 do
                    let expected = reference.Next()
                    let got = rng.NextUInt32()
                    if got <> expected then failtestf "seed %d, word %d: expected %d, got %d" seed i expected got
        }

        test "NextDouble and NextInt53 take the same two words, also across block boundaries" {
            for skip in 0 .. 3 do // shift the pairs so some straddle word 623 / word 0 of the next block
                let rng = Mt19937 9u
                let reference = WordAtATime 9u
                for _ in 1 .. skip do Expect.equal (rng.NextUInt32()) (reference.Next()) "skipped word"
                for i in 1 .. 3000 do
                    let a = reference.Next() >>> 5
                    let b = reference.Next() >>> 6
                    if i % 2 = 0 then
                        Expect.equal (rng.NextDouble()) ((float a * 67108864.0 + float b) / twoPow53) "res53 double"
                    else
                        Expect.equal (rng.NextInt53()) ((uint64 a <<< 26) ||| uint64 b) "res53 integer"
        }

        test "the vectorised regeneration equals the scalar recurrence on random keys" {
            let random = Random 17
            for _ in 1 .. 200 do
                let key = Array.init 624 (fun _ -> uint32 (random.NextInt64(0L, 1L <<< 32)))
                let scalar = Array.copy key
                let vector = Array.copy key
                for _ in 1 .. 3 do
                    Mt19937.TwistScalar(Span scalar)
                    Mt19937.TwistVector256(Span vector)
                    Expect.sequenceEqual vector scalar "regenerated block"
                    Mt19937.TwistBlock(Span key)
                    Expect.sequenceEqual key scalar "dispatching regeneration"
        }

        test "block tempering equals tempering word by word" {
            let random = Random 5
            let words = Array.init 624 (fun _ -> uint32 (random.NextInt64(0L, 1L <<< 32)))
            let tempered = Array.zeroCreate<uint32> 624
            Mt19937.TemperBlock(ReadOnlySpan words, Span tempered)
            Expect.sequenceEqual tempered (words |> Array.map Mt19937.Temper) "tempered block"
        }

        test "a state saved at any position in a block continues identically" {
            for position in [ 0; 1; 2; 311; 622; 623; 624 ] do
                let rng = Mt19937 77u
                for _ in 1 .. 624 + position do rng.NextUInt32() |> ignore
                let copy = Mt19937 1u
                copy.SetState(rng.GetState())
                Expect.equal (copy.GetState().Position) (if position = 0 then 624 else position) "position (a used-up block regenerates lazily)"
                Expect.sequenceEqual (Array.init 1500 (fun _ -> copy.NextUInt32())) (Array.init 1500 (fun _ -> rng.NextUInt32())) $"continuation from {position}"
        }

        test "a state at position 0 of an already regenerated key is tempered on restore" {
            let rng = Mt19937 78u
            for _ in 1 .. 624 do rng.NextUInt32() |> ignore
            let state = rng.GetState()
            let regenerated = Array.copy state.Key
            Mt19937.TwistScalar(Span regenerated)
            let copy = Mt19937 1u
            copy.SetState(Mt19937State(regenerated, 0))
            Expect.sequenceEqual (Array.init 1000 (fun _ -> copy.NextUInt32())) (Array.init 1000 (fun _ -> rng.NextUInt32())) "same words"
        }

        test "Int53Threshold: NextInt53() < Int53Threshold(p) exactly when NextDouble() < p" {
            let random = Random 3
            let ps = [ 0.0; 5e-324; 1e-300; 1e-17; 0.1; 1.0 / 3.0; 0.5; 0.7; 1.0 - 1.1102230246251565e-16; 1.0; 1.5; -0.5; Double.NaN ]
            let ps = ps @ List.init 200 (fun _ -> random.NextDouble())
            for p in ps do
                let t = Mt19937.Int53Threshold p
                Expect.isTrue (t <= (1UL <<< 53)) "threshold at most 2^53"
                let near = [ for d in -3L .. 3L -> int64 t + d ] |> List.filter (fun x -> x >= 0L && x < (1L <<< 53))
                let xs = near @ [ 0L; (1L <<< 53) - 1L ] @ List.init 100 (fun _ -> random.NextInt64(0L, 1L <<< 53))
                for x in xs do
                    let viaDouble = float x / twoPow53 < p
                    Expect.equal (uint64 x < t) viaDouble $"p = {p:R}, x = {x}"
        }
    ]
