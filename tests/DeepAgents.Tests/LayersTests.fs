/// NoisyLinear (Fortunato et al. 2018, factorised noise) and the dueling head (Wang et al. 2016).
module LayersTests

open System
open Expecto
open TorchSharp
open Research.DeepAgents.Networks
open Research.DeepAgents.Networks.Layers
open TorchTestSupport

let private generator (seed: uint64) = new torch.Generator(seed, torch.CPU)

let private noisy seed (p: int64) (q: int64) = new NoisyLinear(p, q, generator seed)

[<Tests>]
let noisyTests =
    testList "NoisyLinear" [
        test "shapes, parameters and buffers" {
            init ()
            use layer = noisy 1UL 5L 3L
            use x = torch.ones(7L, 5L)
            use y = layer.forward x
            Expect.equal y.shape [| 7L; 3L |] "output [B, out]"
            let names = layer.named_parameters() |> Seq.map (fun struct (n, _) -> n) |> List.ofSeq
            Expect.equal (List.sort names) [ "bias_mu"; "bias_sigma"; "weight_mu"; "weight_sigma" ] "learnable parameters only"
            let buffers = layer.named_buffers() |> Seq.map (fun struct (n, _) -> n) |> List.ofSeq
            Expect.equal (List.sort buffers) [ "bias_epsilon"; "weight_epsilon" ] "noise is in buffers"
        }

        test "initialisation: mu in U[-1/sqrt(p), 1/sqrt(p)], sigma = 0.5/sqrt(p)" {
            init ()
            use layer = noisy 2UL 64L 32L
            let bound = 1.0 / sqrt 64.0
            for t in [ layer.WeightMu :> torch.Tensor; layer.BiasMu ] do
                let v = values t
                Expect.isTrue (v |> Array.forall (fun x -> abs (float x) <= bound)) "mu within the bound"
                Expect.isGreaterThan (v |> Array.map (fun x -> abs (float x)) |> Array.max) (0.8 * bound) "mu spread over the range"
            for t in [ layer.WeightSigma :> torch.Tensor; layer.BiasSigma ] do
                Expect.isTrue (values t |> Array.forall (fun x -> x = float32 (0.5 * bound))) "sigma0 / sqrt(p)"
        }

        test "factorised noise: eps_w = f(eps_out) f(eps_in)^T (rank 1), eps_b = f(eps_out), f(x) = sign(x) sqrt|x|" {
            init ()
            // Two generators at the same position (after one layer's initialisation and first noise):
            // gA reproduces the draws eps_in then eps_out, gB feeds the layer's ResetNoise.
            use gA = generator 3UL
            use gB = generator 3UL
            use _reference = new NoisyLinear(6L, 4L, gA)
            use layer = new NoisyLinear(6L, 4L, gB)
            let epsIn = values (torch.randn(6L, generator = gA))
            let epsOut = values (torch.randn(4L, generator = gA))
            layer.ResetNoise gB
            let f (x: float32) = float (sign x) * sqrt (abs (float x))
            let w = values layer.WeightEpsilon
            let b = values layer.BiasEpsilon
            let expectedW = [| for i in 0 .. 3 do for j in 0 .. 5 -> f epsOut.[i] * f epsIn.[j] |]
            closeTo "eps_w" 1e-6 expectedW w
            closeTo "eps_b" 1e-6 (Array.map f epsOut) b
            // rank 1: every 2x2 minor vanishes
            for i in 0 .. 2 do
                for j in 0 .. 4 do
                    let minor = float w.[i * 6 + j] * float w.[(i + 1) * 6 + j + 1] - float w.[i * 6 + j + 1] * float w.[(i + 1) * 6 + j]
                    Expect.isLessThan (abs minor) 1e-5 "2x2 minor"
            closeTo "f on a tensor" 1e-7 [| -2.0; 0.0; 0.5 |] (values (NoisyLinear.Scale(torch.tensor [| -4.0f; 0.0f; 0.25f |])))
        }

        test "training output = (mu_w + sigma_w * eps_w) x + mu_b + sigma_b * eps_b; eval uses mu only" {
            init ()
            use layer = noisy 4UL 3L 2L
            use x = tensorOf [| 2L; 3L |] [| 1.0f; -2.0f; 0.5f; 0.0f; 3.0f; -1.0f |]
            let mu, sigma, eps = values layer.WeightMu, values layer.WeightSigma, values layer.WeightEpsilon
            let bmu, bsigma, beps = values layer.BiasMu, values layer.BiasSigma, values layer.BiasEpsilon
            let xs = values x
            let manual noise =
                [| for b in 0 .. 1 do
                    for o in 0 .. 1 ->
                        let mutable s = float bmu.[o] + (if noise then float bsigma.[o] * float beps.[o] else 0.0)
                        for i in 0 .. 2 do
                            let w = float mu.[o * 3 + i] + (if noise then float sigma.[o * 3 + i] * float eps.[o * 3 + i] else 0.0)
                            s <- s + w * float xs.[b * 3 + i]
                        s |]
            layer.train ()
            closeTo "training" 1e-5 (manual true) (values (layer.forward x))
            layer.eval ()
            closeTo "eval" 1e-6 (manual false) (values (layer.forward x))
            let before = values (layer.forward x)
            layer.ResetNoise(generator 77UL)
            Expect.isTrue (bitEqual before (values (layer.forward x))) "eval ignores the noise"
            layer.train ()
            Expect.isFalse (bitEqual before (values (layer.forward x))) "training uses the noise"
        }

        test "determinism: same seed, same parameters and noise; ResetNoise draws fresh noise; gradients reach mu and sigma" {
            init ()
            use a = noisy 9UL 8L 5L
            use b = noisy 9UL 8L 5L
            Expect.isTrue (bitEqual (values a.WeightMu) (values b.WeightMu)) "same mu"
            Expect.isTrue (bitEqual (values a.WeightEpsilon) (values b.WeightEpsilon)) "same noise"
            use ga = generator 5UL
            use gb = generator 5UL
            let first = values a.WeightEpsilon
            a.ResetNoise ga
            b.ResetNoise gb
            Expect.isTrue (bitEqual (values a.WeightEpsilon) (values b.WeightEpsilon)) "same generator seed, same new noise"
            Expect.isFalse (bitEqual first (values a.WeightEpsilon)) "new noise differs"
            use x = torch.ones(2L, 8L)
            use loss = (a.forward x).sum()
            loss.backward ()
            Expect.isGreaterThan (values (gradOf a.WeightSigma) |> Array.map abs |> Array.max) 0.0f "sigma gets gradients"
            Expect.isGreaterThan (values (gradOf a.WeightMu) |> Array.map abs |> Array.max) 0.0f "mu gets gradients"
        }

        test "ResetAll resets every noisy layer of a module; bad sizes are rejected" {
            init ()
            use g = generator 1UL
            use head = DuelingHead.Linear(8L, 3, 1, g, noisy = true)
            let before = values ((head.Value :?> NoisyLinear).WeightEpsilon)
            use g2 = generator 2UL
            Expect.equal (NoisyLinear.ResetAll(head, g2)) 2 "two streams"
            Expect.isFalse (bitEqual before (values ((head.Value :?> NoisyLinear).WeightEpsilon))) "value stream resampled"
            throwsWith [ "inFeatures >= 1"; "got 0" ] (fun () -> new NoisyLinear(0L, 3L, g) |> ignore)
            throwsWith [ "sigma0"; "-1" ] (fun () -> new NoisyLinear(2L, 3L, g, -1.0) |> ignore)
        }
    ]

[<Tests>]
let duelingTests =
    testList "DuelingHead" [
        test "Combine: Q = V + A - mean_a A (advantages are mean-centred)" {
            init ()
            use v = tensorOf [| 2L; 1L |] [| 10.0f; -1.0f |]
            use a = tensorOf [| 2L; 3L; 1L |] [| 1.0f; 2.0f; 6.0f; 0.0f; 0.0f; 3.0f |]
            let q = values (DuelingHead.Combine(v, a))
            closeTo "hand-computed" 1e-6 [| 10.0 - 2.0; 10.0 - 1.0; 10.0 + 3.0; -1.0 - 1.0; -1.0 - 1.0; -1.0 + 2.0 |] q
        }

        test "forward: shapes, mean over actions equals V, per-atom dueling for distributional heads" {
            init ()
            use g = generator 3UL
            use head = DuelingHead.Linear(16L, 4, 1, g)
            use x = torch.randn(5L, 16L, generator = g)
            use q = head.forward x
            Expect.equal q.shape [| 5L; 4L |] "[B, Actions]"
            use v = head.Value.forward x
            closeTo "mean_a Q = V" 1e-5 (values v |> Array.map float) (values (q.mean([| 1L |])))
            use dist = DuelingHead.Linear(16L, 4, 51, g)
            use logits = dist.forward x
            Expect.equal logits.shape [| 5L; 4L; 51L |] "[B, Actions, Atoms]"
            use dv = dist.Value.forward x
            closeTo "per atom: mean_a logits = V" 1e-5 (values dv |> Array.map float) (values (logits.mean([| 1L |])))
            use adv = dist.Advantage.forward(x).view(5L, 4L, 51L)
            use expected = dv.unsqueeze(1L) + adv - adv.mean([| 1L |], keepdim = true)
            closeTo "V + A - mean A" 1e-5 (values expected |> Array.map float) (values logits)
        }

        test "noisy dueling head: eval is deterministic, same seed same output" {
            init ()
            use g1 = generator 8UL
            use g2 = generator 8UL
            use h1 = DuelingHead.Linear(6L, 3, 1, g1, noisy = true)
            use h2 = DuelingHead.Linear(6L, 3, 1, g2, noisy = true)
            use x = torch.ones(2L, 6L)
            Expect.isTrue (bitEqual (values (h1.forward x)) (values (h2.forward x))) "same seed"
            h1.eval () |> ignore
            let a = values (h1.forward x)
            use g3 = generator 9UL
            NoisyLinear.ResetAll(h1, g3) |> ignore
            Expect.isTrue (bitEqual a (values (h1.forward x))) "eval ignores noise"
            throwsWith [ "actions >= 1"; "got 0" ] (fun () -> DuelingHead.Linear(6L, 0, 1, g1) |> ignore)
        }
    ]
