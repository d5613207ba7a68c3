/// Tests of the sum tree (Replay/SumTree.cs): totals, prefix-sum search, stratified sampling, frequencies.
module SumTreeTests

open System
open System.IO
open Expecto
open Research.DeepAgents.Replay
open Research.Random

let treeOf (priorities: float[]) =
    let tree = SumTree priorities.Length
    priorities |> Array.iteri (fun i p -> tree.Set(i, p))
    tree

/// The item whose cumulative interval contains the prefix, by a linear scan (the reference).
let linearFind (priorities: float[]) (prefix: float) =
    let mutable acc = 0.0
    let mutable found = -1
    for i in 0 .. priorities.Length - 1 do
        if found < 0 && priorities.[i] > 0.0 && prefix < acc + priorities.[i] then found <- i
        acc <- acc + priorities.[i]
    if found >= 0 then found else Array.findIndexBack (fun p -> p > 0.0) priorities

/// Pearson's chi-square statistic of observed counts against expected probabilities.
let chiSquare (counts: int[]) (probabilities: float[]) =
    let n = float (Array.sum counts)
    Array.map2 (fun (c: int) p -> let e = n * p in (float c - e) ** 2.0 / e) counts probabilities |> Array.sum

[<Tests>]
let sumTreeTests =
    testList "Replay.SumTree" [
        test "total and prefix search on a hand case (capacity 5 padded to 8)" {
            let tree = treeOf [| 1.0; 2.0; 3.0; 4.0; 0.5 |]
            Expect.equal tree.Total 10.5 "total"
            let cases = [ 0.0, 0; 0.999, 0; 1.0, 1; 2.999, 1; 3.0, 2; 5.999, 2; 6.0, 3; 9.999, 3; 10.0, 4; 10.499, 4; 10.5, 4; 1e9, 4 ]
            for prefix, expected in cases do
                Expect.equal (tree.Find prefix) expected $"Find {prefix}"
        }
        test "zero-priority items are never found, even at the subtree edges" {
            let tree = treeOf [| 1.0; 0.0; 0.0; 2.0; 0.0; 0.0; 0.0 |]
            for prefix, expected in [ 0.5, 0; 1.0, 3; 2.999, 3; 3.0, 3; 50.0, 3 ] do
                Expect.equal (tree.Find prefix) expected $"Find {prefix}"
        }
        test "updates are reflected in the total and the search; the recorded maximum starts at 1 and never decreases" {
            let tree = SumTree 6
            Expect.equal tree.MaxRecordedPriority 1.0 "initial max"
            tree.Set(2, 0.5)
            Expect.equal tree.MaxRecordedPriority 1.0 "after 0.5"
            tree.Set(4, 3.0)
            Expect.equal tree.MaxRecordedPriority 3.0 "after 3"
            tree.Set(4, 0.25)
            Expect.equal tree.MaxRecordedPriority 3.0 "after lowering"
            Expect.equal tree.Total 0.75 "total"
            Expect.equal (tree.Find 0.6) 4 "Find after update"
            tree.Set(2, 0.0)
            Expect.equal tree.Total 0.25 "total after zeroing"
            Expect.equal (tree.Find 0.0) 4 "only item left"
            Expect.equal (tree.Get 4) 0.25 "Get"
        }
        test "capacity 1 works (the root is the leaf)" {
            let tree = treeOf [| 2.5 |]
            Expect.equal tree.Total 2.5 "total"
            Expect.equal (tree.Find 2.0) 0 "find"
        }
        test "bad input is rejected with the value" {
            let tree = SumTree 4
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> tree.Set(1, -1.0)) "negative"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> tree.Set(1, nan)) "NaN"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> tree.Set(4, 1.0)) "index"
            Expect.throwsT<InvalidOperationException> (fun () -> tree.Find 0.0 |> ignore) "empty tree"
            let e = Expect.throwsC (fun () -> tree.Set(1, -2.0)) id
            Expect.stringContains e.Message "priority must be a finite number >= 0" "message"
            Expect.stringContains e.Message "-2" "value"
        }
        testPropertyWithConfig { FsCheckConfig.defaultConfig with maxTest = 200 }
            "integer priorities: the total is exact and Find agrees with a linear scan at every integer and half-integer prefix"
            (fun (raw: byte[]) (updates: (byte * byte) list) ->
                let n = max 1 raw.Length
                let priorities = Array.init n (fun i -> if i < raw.Length then float (raw.[i] % 7uy) else 1.0)
                let tree = treeOf priorities
                for (i, p) in updates do
                    let index = int i % n
                    priorities.[index] <- float (p % 5uy)
                    tree.Set(index, priorities.[index])
                Expect.equal tree.Total (Array.sum priorities) "total"
                for i in 0 .. n - 1 do
                    Expect.equal (tree.Get i) priorities.[i] "leaf"
                if tree.Total > 0.0 then
                    for twice in 0 .. int (2.0 * tree.Total) do
                        let prefix = float twice / 2.0
                        Expect.equal (tree.Find prefix) (linearFind priorities prefix) $"Find {prefix}")
        testPropertyWithConfig { FsCheckConfig.defaultConfig with maxTest = 100 }
            "stratified sampling returns one index per stratum: item k's interval meets stratum k"
            (fun (seed: uint64) (raw: byte[]) (batchByte: byte) ->
                let priorities = Array.append (raw |> Array.map (fun b -> float (b % 9uy) * 0.37)) [| 0.5 |]
                let tree = treeOf priorities
                let batch = 1 + int batchByte % 64
                let indices = Array.zeroCreate<int> batch
                tree.SampleStratified(Xoshiro256 seed, Span indices)
                let cumulative = Array.scan (+) 0.0 priorities
                for k in 0 .. batch - 1 do
                    let i = indices.[k]
                    let lo, hi = float k * tree.Total / float batch, float (k + 1) * tree.Total / float batch
                    Expect.isGreaterThan priorities.[i] 0.0 "positive priority"
                    Expect.isTrue (cumulative.[i] < hi + 1e-9 && cumulative.[i + 1] > lo - 1e-9) $"stratum {k}: item {i} [{cumulative.[i]}, {cumulative.[i + 1]}) vs [{lo}, {hi})")
        test "sampling frequencies match the priorities (chi-square, 9 df, significance 1e-4, seed 11)" {
            let priorities = Array.init 10 (fun i -> float (i + 1))
            let probabilities = priorities |> Array.map (fun p -> p / 55.0)
            let tree = treeOf priorities
            let random = Xoshiro256 11UL
            // Independent draws through Find.
            let counts = Array.zeroCreate<int> 10
            for _ in 1 .. 100_000 do
                let i = tree.Find(random.NextDouble() * tree.Total)
                counts.[i] <- counts.[i] + 1
            // 33.72 is the 1 - 1e-4 quantile of chi-square with 9 degrees of freedom.
            Expect.isLessThan (chiSquare counts probabilities) 33.72 $"independent draws {counts}"
            // Stratified batches of 32: every draw's marginal is still p_i / total.
            let stratified = Array.zeroCreate<int> 10
            let batch = Array.zeroCreate<int> 32
            for _ in 1 .. 3_000 do
                tree.SampleStratified(random, Span batch)
                for i in batch do stratified.[i] <- stratified.[i] + 1
            Expect.isLessThan (chiSquare stratified probabilities) 33.72 $"stratified draws {stratified}"
            // The test can fail: uniform frequencies are rejected.
            Expect.isGreaterThan (chiSquare (Array.create 10 10_000) probabilities) 33.72 "uniform counts are rejected"
        }
        test "save and load round-trip: same leaves, total, maximum and sums" {
            let tree = treeOf [| 0.5; 3.25; 0.0; 7.0; 1.0 |]
            tree.Set(3, 2.0)
            use stream = new MemoryStream()
            tree.Save(new BinaryWriter(stream))
            stream.Position <- 0L
            let copy = SumTree 5
            copy.Load(new BinaryReader(stream))
            Expect.equal copy.Total tree.Total "total"
            Expect.equal copy.MaxRecordedPriority 7.0 "max"
            for i in 0 .. 4 do Expect.equal (copy.Get i) (tree.Get i) "leaf"
            for prefix in [ 0.0; 0.6; 3.75; 3.76; 6.5 ] do Expect.equal (copy.Find prefix) (tree.Find prefix) "find"
            stream.Position <- 0L
            Expect.throwsT<InvalidDataException> (fun () -> (SumTree 6).Load(new BinaryReader(stream))) "capacity mismatch"
        }
    ]
