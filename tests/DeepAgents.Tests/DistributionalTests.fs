/// Tests of the C51 pieces (Distributional/): support, categorical projection (span reference and
/// batched TorchSharp), next action by the target mean, per-sample cross-entropy.
module DistributionalTests

open System
open Expecto
open TorchSharp
open Research.DeepAgents.Distributional
open TorchTestSupport

/// The span reference projection as an array.
let project (support: CategoricalSupport) (p: float32[]) (r: float) (discount: float) =
    let destination = Array.zeroCreate<float32> support.Atoms
    CategoricalProjection.Project(support, ReadOnlySpan p, r, discount, Span destination)
    destination

/// Five atoms -2, -1, 0, 1, 2 (dz = 1): hand cases are easy to read.
let five = CategoricalSupport(5, -2.0, 2.0)

let expectArray message (tolerance: float) (expected: float[]) (actual: float32[]) = closeTo message tolerance expected actual

/// A random probability vector of length n.
let randomDistribution (rng: Random) n =
    let raw = Array.init n (fun _ -> rng.NextDouble() ** 3.0 + 1e-6)
    let total = Array.sum raw
    raw |> Array.map (fun x -> float32 (x / total))

[<Tests>]
let supportTests =
    testList "Distributional.Support" [
        test "atoms are v_min + i (v_max - v_min) / (N - 1)" {
            let s = CategoricalSupport(51, -10.0, 10.0)
            Expect.equal s.Delta 0.4 "dz"
            Expect.equal (s.Atom 0) -10.0 "z_0"
            Expect.floatClose Accuracy.veryHigh (s.Atom 25) 0.0 "z_25"
            Expect.floatClose Accuracy.veryHigh (s.Atom 50) 10.0 "z_50"
            Expect.equal (s.Values()) (Array.init 51 (fun i -> float32 (-10.0 + float i * 0.4))) "values"
            Expect.equal CategoricalSupport.DopamineAtari s "Dopamine Atari preset"
            Expect.equal CategoricalSupport.DopamineMinAtar (CategoricalSupport(51, -100.0, 100.0)) "Dopamine MinAtar preset"
        }
        test "bad supports are rejected with the field and value" {
            throwsWith [ "atoms = 1"; "at least 2" ] (fun () -> CategoricalSupport(1, -1.0, 1.0) |> ignore)
            throwsWith [ "v_min = 1"; "less than v_max = 1" ] (fun () -> CategoricalSupport(3, 1.0, 1.0) |> ignore)
            throwsWith [ "v_max = NaN" ] (fun () -> CategoricalSupport(3, 0.0, nan) |> ignore)
        }
    ]

[<Tests>]
let projectionTests =
    testList "Distributional.Projection reference" [
        test "a shift by half an atom splits the mass between the two neighbours" {
            project five [| 0f; 0f; 1f; 0f; 0f |] 0.5 1.0
            |> expectArray "R = 0.5" 1e-7 [| 0.; 0.; 0.5; 0.5; 0. |]
        }
        test "values outside the support are clipped to v_min / v_max, integer positions keep all their mass (l == u)" {
            // Tz = z + 1 = -1, 0, 1, 2, 3 -> 3 clips to 2; every Tz is exactly on an atom.
            project five [| 0.2f; 0.2f; 0.2f; 0.2f; 0.2f |] 1.0 1.0
            |> expectArray "R = 1" 1e-7 [| 0.; 0.2; 0.2; 0.2; 0.4 |]
            // Tz = z - 10: everything below v_min.
            project five [| 0.1f; 0.2f; 0.3f; 0.3f; 0.1f |] -10.0 1.0
            |> expectArray "R = -10" 1e-7 [| 1.; 0.; 0.; 0.; 0. |]
            // Tz exactly v_max (b = N - 1) and exactly v_min (b = 0).
            project five [| 0f; 0f; 1f; 0f; 0f |] 2.0 1.0 |> expectArray "Tz = v_max" 0.0 [| 0.; 0.; 0.; 0.; 1. |]
            project five [| 0f; 0f; 1f; 0f; 0f |] -2.0 1.0 |> expectArray "Tz = v_min" 0.0 [| 1.; 0.; 0.; 0.; 0. |]
        }
        test "gamma^n shrinks the support: discount 0.25 maps z = -2, 2 to -0.5, 0.5" {
            project five [| 0.5f; 0f; 0f; 0f; 0.5f |] 0.0 0.25
            |> expectArray "gamma^2, gamma = 0.5" 1e-7 [| 0.; 0.25; 0.5; 0.25; 0. |]
            // r^(3) = 1 + 0.5 * 0 + 0.25 * 1 = 1.25 with gamma^3 = 0.125 on z = 2: Tz = 1.5.
            project five [| 0f; 0f; 0f; 0f; 1f |] 1.25 0.125
            |> expectArray "n = 3" 1e-7 [| 0.; 0.; 0.; 0.5; 0.5 |]
        }
        test "a terminal within n (discount 0) collapses every atom onto r^(n)" {
            for p in [ [| 1f; 0f; 0f; 0f; 0f |]; [| 0.1f; 0.2f; 0.3f; 0.3f; 0.1f |] ] do
                project five p -0.75 0.0 |> expectArray "R = -0.75" 1e-7 [| 0.; 0.75; 0.25; 0.; 0. |]
                project five p -7.0 0.0 |> expectArray "R = -7 (clipped)" 1e-7 [| 1.; 0.; 0.; 0.; 0. |]
                project five p 1.0 0.0 |> expectArray "R = 1 (on an atom)" 0.0 [| 0.; 0.; 0.; 1.; 0. |]
        }
        testPropertyWithConfig { FsCheckConfig.defaultConfig with maxTest = 200 }
            "mass is conserved (sums to 1 within 1e-6) and non-negative on the Dopamine Atari support"
            (fun (seed: int) (rByte: sbyte) (dByte: byte) (terminal: bool) ->
                let rng = Random seed
                let support = CategoricalSupport.DopamineAtari
                let p = randomDistribution rng 51
                let r = float rByte / 5.0 + rng.NextDouble()
                let discount = if terminal then 0.0 else float dByte / 255.0
                let m = project support p r discount
                Expect.isLessThan (abs (Array.sumBy float m - 1.0)) 1e-6 "sum"
                Expect.all m (fun x -> x >= 0f) "non-negative")
        test "bad inputs name the field" {
            let p = Array.zeroCreate<float32> 5
            throwsWith [ "probabilities has 4"; "5 atoms" ] (fun () -> CategoricalProjection.Project(five, ReadOnlySpan(Array.zeroCreate<float32> 4), 0.0, 1.0, Span(Array.zeroCreate<float32> 5)))
            throwsWith [ "discount = -0.5" ] (fun () -> CategoricalProjection.Project(five, ReadOnlySpan p, 0.0, -0.5, Span(Array.zeroCreate<float32> 5)))
            throwsWith [ "nStepReturn = NaN" ] (fun () -> CategoricalProjection.Project(five, ReadOnlySpan p, nan, 0.5, Span(Array.zeroCreate<float32> 5)))
        }
    ]

[<Tests>]
let batchedTests =
    testList "Distributional.Projection batched" [
        test "the TorchSharp projection equals the span reference on random inputs (incl. terminals and on-atom targets)" {
            init ()
            let rng = Random 7
            let support = CategoricalSupport.DopamineAtari
            let batch = 256
            let p = Array.init batch (fun _ -> randomDistribution rng 51)
            let returns =
                Array.init batch (fun b ->
                    match b % 4 with
                    | 0 -> float32 (rng.Next(-30, 31)) * 0.4f // a multiple of dz: lands on atoms
                    | _ -> float32 (rng.NextDouble() * 30.0 - 15.0))
            let discounts =
                Array.init batch (fun b ->
                    match b % 3 with
                    | 0 -> 0f
                    | 1 -> float32 (0.99 ** 3.0)
                    | _ -> if b % 4 = 0 then 1f else float32 (rng.NextDouble()))
            use probabilities = tensorOf [| int64 batch; 51L |] (Array.concat p)
            use r = torch.tensor returns
            use d = torch.tensor discounts
            use projected = CategoricalProjection.Project(support, probabilities, r, d)
            Expect.equal projected.shape [| int64 batch; 51L |] "shape"
            Expect.isFalse projected.requires_grad "no gradient"
            let actual = values projected
            for b in 0 .. batch - 1 do
                let expected = project support p.[b] (float returns.[b]) (float discounts.[b]) |> Array.map float
                closeTo $"row {b}" 1e-6 expected actual.[b * 51 .. b * 51 + 50]
                Expect.isLessThan (abs (Array.sumBy float actual.[b * 51 .. b * 51 + 50] - 1.0)) 1e-5 $"row {b} mass"
        }
        test "batched hand case: clip, terminal, half-atom shift" {
            init ()
            use probabilities = tensorOf [| 3L; 5L |] [| 0.2f; 0.2f; 0.2f; 0.2f; 0.2f; 0.1f; 0.2f; 0.3f; 0.3f; 0.1f; 0f; 0f; 1f; 0f; 0f |]
            use r = torch.tensor [| 1f; -0.75f; 0.5f |]
            use d = torch.tensor [| 1f; 0f; 1f |]
            use projected = CategoricalProjection.Project(five, probabilities, r, d)
            closeTo "rows" 1e-7 [| 0.; 0.2; 0.2; 0.2; 0.4; 0.; 0.75; 0.25; 0.; 0.; 0.; 0.; 0.5; 0.5; 0. |] (values projected)
        }
        test "shape errors name the argument" {
            init ()
            use p = torch.zeros(2L, 4L)
            use r = torch.zeros(2L)
            throwsWith [ "probabilities must have shape [B, 5]" ] (fun () -> CategoricalProjection.Project(five, p, r, r) |> ignore)
        }
    ]

/// Logits whose softmax is (proportional to) the given probabilities; zeros become -40.
let logitsOf (p: float[]) = p |> Array.map (fun x -> if x = 0.0 then -40f else float32 (log x))

[<Tests>]
let c51Tests =
    testList "Distributional.C51" [
        test "means, greedy action and target: the next action is argmax of the target network's mean, not of the mode" {
            init ()
            let support = CategoricalSupport(3, -1.0, 1.0)
            use atoms = support.ToTensor()
            // action 0: all mass on 0 (mean 0, the largest single probability);
            // action 1: 0.4 on -1, 0.6 on 1 (mean 0.2).
            use logits = tensorOf [| 1L; 2L; 3L |] (Array.append (logitsOf [| 0.; 1.; 0. |]) (logitsOf [| 0.4; 0.; 0.6 |]))
            closeTo "means" 1e-6 [| 0.0; 0.2 |] (values (C51.Means(logits, atoms)))
            use greedy = C51.GreedyActions(logits, atoms)
            Expect.equal (greedy.data<int64>().ToArray()) [| 1L |] "argmax of the mean"
            // Target with r = 0.5, discount 0.5: Tz = 0, 0.5, 1 -> p(a=1) = [0.4, 0, 0.6]
            // lands on [0, 0.4, 0.6].
            use r = torch.tensor [| 0.5f |]
            use d = torch.tensor [| 0.5f |]
            use target = C51.TargetDistribution(support, logits, r, d, atoms)
            closeTo "projected target" 1e-6 [| 0.0; 0.4; 0.6 |] (values target)
        }
        test "per-sample cross-entropy equals -sum target log softmax(logits[a]) and its gradient is softmax - target" {
            init ()
            // Row 0 takes action 1 with logits [0, ln 2, ln 4] (softmax 1/7, 2/7, 4/7) and target
            // [0.5, 0, 0.5]: L = -(0.5 ln(1/7) + 0.5 ln(4/7)) = ln 3.5. Row 1 takes
            // action 0 with uniform logits: L = ln 3.
            let row0 = [| 5f; -3f; 2f; 0f; float32 (log 2.0); float32 (log 4.0) |]
            let row1 = [| 0f; 0f; 0f; 9f; 9f; 1f |]
            use logits = (tensorOf [| 2L; 2L; 3L |] (Array.append row0 row1)).requires_grad_(true)
            use actions = torch.tensor [| 1L; 0L |]
            use target = tensorOf [| 2L; 3L |] [| 0.5f; 0f; 0.5f; 0.2f; 0.3f; 0.5f |]
            use loss = C51.CrossEntropy(logits, actions, target)
            closeTo "per-sample loss" 1e-6 [| log 3.5; log 3.0 |] (values loss)
            use total = loss.sum()
            total.backward()
            let expectedGrad =
                [| 0.; 0.; 0.; 1.0 / 7.0 - 0.5; 2.0 / 7.0; 4.0 / 7.0 - 0.5
                   1.0 / 3.0 - 0.2; 1.0 / 3.0 - 0.3; 1.0 / 3.0 - 0.5; 0.; 0.; 0. |]
            closeTo "gradient" 1e-6 expectedGrad (values (gradOf logits))
        }
        test "cross-entropy shape errors name the argument" {
            init ()
            use logits = torch.zeros(2L, 2L, 3L)
            use actions = torch.tensor [| 0L; 1L; 1L |]
            use target = torch.zeros(2L, 3L)
            throwsWith [ "actions must have shape [2]" ] (fun () -> C51.CrossEntropy(logits, actions, target) |> ignore)
        }
    ]
