module PlanningTests

open System
open Expecto
open Research.Theory
open Research.Tabular
open Research.Tabular.Experiment

let runs (cs: float list) (seeds: int) = Experiment.grid cs seeds

/// Iterations after which the noiseless bound rho^K e0 drops below `tol`.
let iterationsFor (gamma: float) (c: float) (m: int) (e0: float) (tol: float) =
    let rho = Contraction.pmpiModulus gamma c m
    int (ceil (log (tol / max e0 1e-300) / log rho)) + 1

[<Tests>]
let fixedPoint =
    testList "Tabular.Planning fixed point" [
        testPropertyWithConfig { FsCheckConfig.defaultConfig with maxTest = 12 }
            "noiseless PVI and PMPI(m) converge to the exact v* within 1e-8 for several c (random Garnet MDPs)"
            (fun (seed: int) (sizeByte: byte) (actionsByte: byte) (branchingByte: byte) (mByte: byte) ->
                let states = 2 + int sizeByte % 30
                let actions = 1 + int actionsByte % 5
                let branching = 1 + int branchingByte % states
                let m = 1 + int mByte % 4
                let mdp = Generators.garnet states actions branching 0.9 seed (seed % 2 = 0)
                let vStar = (Exact.solve mdp).Value
                let e0 = Array.max (Array.map abs vStar)
                let cs = [ 0.1; 0.5; 2.0; infinity ]
                let k = iterationsFor 0.9 0.1 1 e0 1e-9
                for target in [ Planning.Optimality; Planning.ModifiedPolicy m ] do
                    let result = Experiment.run { Experiment.config mdp Noise.NoNoise (runs cs 1) k with Target = target }
                    for t in result.Traces do
                        Expect.isLessThan (Planning.supDistance t.Final vStar) 1e-8 $"c={t.Run.C} target={target}")
        test "same fixed point: v* is unchanged by one proximal step for every c (docs/planning.md, result 1)" {
            let mdp = Generators.garnet 20 3 4 0.9 3 true
            let vStar = (Exact.solve mdp).Value
            for c in [ 0.01; 0.3; 5.0; infinity ] do
                let next = Planning.iterates mdp Planning.Optimality Proximal.Quadratic c Noise.NoNoise 0 vStar vStar 1
                Expect.isLessThan (Planning.supDistance next.[1] vStar) 1e-12 $"c={c}"
        }
    ]

[<Tests>]
let contraction =
    testList "Tabular.Planning contraction" [
        test "measured sup-norm contraction never exceeds rho = (1 + c gamma)/(1 + c) (docs/planning.md, result 2)" {
            for seed in 0 .. 5 do
                for gamma in [ 0.9; 0.99 ] do
                    let mdp = Generators.garnet 25 4 3 gamma seed (seed % 2 = 1)
                    let cs = [ 0.05; 0.2; 1.0; 2.0; infinity ]
                    let result = Experiment.run (Experiment.config mdp Noise.NoNoise (runs cs 1) 150)
                    for t in result.Traces do
                        let rho = Contraction.pviModulus gamma t.Run.C
                        for k in 0 .. 149 do
                            Expect.isLessThanOrEqual t.ErrorInf.[k + 1] (rho * t.ErrorInf.[k] + 1e-12) $"seed={seed} gamma={gamma} c={t.Run.C} k={k}"
        }
        test "with Target = (T*)^m the measured contraction never exceeds (1 + c gamma^m)/(1 + c) (docs/planning.md, result 2)" {
            for seed in 0 .. 3 do
                let mdp = Generators.garnet 20 3 3 0.95 seed (seed % 2 = 0)
                for m in [ 2; 5 ] do
                    let cfg = { Experiment.config mdp Noise.NoNoise (runs [ 0.1; 1.0; infinity ] 1) 100 with Target = Planning.OptimalityPower m }
                    for t in (Experiment.run cfg).Traces do
                        let rho = Contraction.pmpiModulus 0.95 t.Run.C m
                        for k in 0 .. 99 do
                            Expect.isLessThanOrEqual t.ErrorInf.[k + 1] (rho * t.ErrorInf.[k] + 1e-12) $"seed={seed} m={m} c={t.Run.C} k={k}"
        }
        // Two-sided: from v_0 = v* + delta 1 the error stays a constant vector (T* commutes with adding a
        // constant: T*(v + d 1) = T* v + gamma d 1), so every step multiplies it by exactly rho. An update
        // that ignored c (ratio gamma) or swapped the weights (ratio (c + gamma)/(1 + c)) fails. rho is
        // written out here, not taken from Research.Theory, so a wrong beta there cannot cancel.
        test "from v* + delta 1 the measured modulus equals rho = (1 + c gamma)/(1 + c) exactly, from both sides (spec result 2)" {
            for seed in 0 .. 3 do
                for gamma in [ 0.9; 0.99 ] do
                    let mdp = Generators.garnet 15 3 3 gamma seed (seed % 2 = 0)
                    let vStar = (Exact.solve mdp).Value
                    let v0 = vStar |> Array.map (fun v -> v + 2.0)
                    for c in [ 0.05; 0.3; 2.0; 10.0; infinity ] do
                        let rho = if Double.IsPositiveInfinity c then gamma else (1.0 + c * gamma) / (1.0 + c)
                        let vs = Planning.iterates mdp Planning.Optimality Proximal.Quadratic c Noise.NoNoise 0 vStar v0 30
                        for k in 0 .. 29 do
                            let ratio = Planning.supDistance vs.[k + 1] vStar / Planning.supDistance vs.[k] vStar
                            Expect.floatClose { absolute = 0.0; relative = 1e-9 } ratio rho $"seed={seed} gamma={gamma} c={c} k={k}: ratio = rho"
        }
        test "noiseless PVI is never faster than VI: the error bound rho^K e0 holds and VI ends lowest" {
            let mdp = Generators.garnet 30 4 5 0.9 11 true
            let result = Experiment.run (Experiment.config mdp Noise.NoNoise (runs [ 0.1; 0.5; 1.0; infinity ] 1) 100)
            for t in result.Traces do
                let rho = Contraction.pviModulus 0.9 t.Run.C
                Expect.isLessThanOrEqual (Array.last t.ErrorInf) (pown rho 100 * t.ErrorInf.[0] + 1e-12) "bound"
            let vi = result.Traces |> Array.find (fun t -> t.Run.C = infinity)
            for t in result.Traces do
                Expect.isLessThanOrEqual (Array.last vi.ErrorInf) (Array.last t.ErrorInf) "VI lowest"
        }
        test "c = infinity reproduces plain VI bit for bit, with and without noise" {
            let mdp = Generators.garnet 20 3 4 0.9 5 false
            let vStar = (Exact.solve mdp).Value
            for noise in [ Noise.NoNoise; Noise.Gaussian 1.0; Noise.Uniform 0.3; Noise.Adversarial 0.2 ] do
                let pvi = Planning.iterates mdp Planning.Optimality Proximal.Quadratic infinity noise 42 vStar (Array.zeroCreate 20) 50
                let vi = Planning.valueIteration mdp noise 42 vStar (Array.zeroCreate 20) 50
                Expect.sequenceEqual (Array.concat pvi |> Array.map BitConverter.DoubleToInt64Bits)
                                     (Array.concat vi |> Array.map BitConverter.DoubleToInt64Bits) $"noise={noise}"
        }
        test "Bregman door: a Separable proximal term with the quadratic step reproduces Quadratic exactly (general path of the engine)" {
            let mdp = Generators.garnet 12 3 3 0.9 8 false
            let quadraticAsFunction =
                Proximal.Separable("quadratic-as-function", fun c v t -> Proximal.stepWithBeta (Contraction.beta c) v t)
            let cfg = Experiment.config mdp (Noise.Gaussian 0.7) (runs [ 0.3; infinity ] 3) 40
            let a = Experiment.run cfg
            let b = Experiment.run { cfg with Proximal = quadraticAsFunction }
            for t, u in Array.zip a.Traces b.Traces do
                Expect.sequenceEqual u.Final t.Final $"c={t.Run.C}"
        }
        test "a different separable proximal term changes the iterates but keeps the fixed point" {
            // D(v, v_k) = 4 ||v - v_k||^2 (a scaled quadratic): the step is beta' = c / (4 + c).
            let scaled = Proximal.Separable("scaled", fun c v t -> let b = c / (4.0 + c) in (1.0 - b) * v + b * t)
            let mdp = Generators.garnet 12 3 3 0.9 8 false
            let cfg = { Experiment.config mdp Noise.NoNoise (runs [ 1.0 ] 1) 1500 with Proximal = scaled }
            let r = Experiment.run cfg
            Expect.isLessThan (Array.last r.Traces.[0].ErrorInf) 1e-8 "converges to v*"
            let plain = Experiment.run { cfg with Proximal = Proximal.Quadratic; Iterations = 10 }
            let slow = Experiment.run { cfg with Iterations = 10 }
            Expect.isGreaterThan (Array.last slow.Traces.[0].ErrorInf) (Array.last plain.Traces.[0].ErrorInf) "heavier proximal term is slower"
        }
        test "the batched engine equals the single-run reference bit for bit (dense and sparse, all noises, PMPI, (T*)^m, any thread count)" {
            for dense in [ true; false ] do
                let mdp = Generators.garnet 13 3 4 0.9 2 dense
                let vStar = (Exact.solve mdp).Value
                for noise in [ Noise.Gaussian 0.5; Noise.Uniform 0.3; Noise.Adversarial 0.2 ] do
                    for target in [ Planning.Optimality; Planning.ModifiedPolicy 3; Planning.OptimalityPower 2 ] do
                        let cs = [ 0.2; 1.0; infinity ]
                        let cfg = { Experiment.config mdp noise (runs cs 4) 30 with Target = target }
                        let batched = Experiment.run cfg
                        let serial = Experiment.run { cfg with Threads = 1 }
                        for t, u in Array.zip batched.Traces serial.Traces do
                            let single = Planning.iterates mdp target Proximal.Quadratic t.Run.C noise t.Run.Seed vStar (Array.zeroCreate 13) 30
                            Expect.sequenceEqual t.Final single.[30] $"dense={dense} noise={noise} target={target} c={t.Run.C}"
                            Expect.sequenceEqual t.ErrorInf (single |> Array.map (Planning.supDistance vStar)) "trace"
                            Expect.sequenceEqual t.Final u.Final "threads"
        }
    ]

[<Tests>]
let boundedNoise =
    testList "Tabular.Planning bounded noise" [
        test "uniform and adversarial bounded noise: ||v_k - v*||_inf <= rho^k e0 + (1 - rho^k) e/(1-gamma) at every k (docs/planning.md, result 3)" {
            for seed in 0 .. 7 do
                let gamma = if seed % 2 = 0 then 0.9 else 0.95
                let mdp = Generators.garnet (10 + 5 * seed) 3 3 gamma seed (seed % 3 = 0)
                for noise in [ Noise.Uniform 0.5; Noise.Adversarial 0.5; Noise.Adversarial 0.05 ] do
                    let e = (Noise.bound noise).Value
                    let result = Experiment.run (Experiment.config mdp noise (runs [ 0.05; 0.3; 1.0; infinity ] 5) 200)
                    for t in result.Traces do
                        for k in 0 .. 200 do
                            let bound = NoiseBound.afterSteps gamma t.Run.C k t.ErrorInf.[0] e
                            Expect.isLessThanOrEqual t.ErrorInf.[k] (bound * (1.0 + 1e-12)) $"seed={seed} noise={noise} c={t.Run.C} k={k}"
        }
        // Two-sided: from v* + e_0 1 the adversarial noise is +e everywhere, so b_{k+1} = rho b_k + beta e
        // with beta = c/(1 + c): the error equals the bound rho^k e_0 + (1 - rho^k) e/(1 - gamma) at every k.
        // Both closed forms are written out here (not taken from Research.Theory).
        test "constant adversarial noise from v* + e0 1 attains the bound of result 3 exactly, from both sides" {
            for seed in 0 .. 3 do
                let gamma = 0.9
                let mdp = Generators.garnet 15 3 3 gamma seed (seed % 2 = 1)
                let vStar = (Exact.solve mdp).Value
                for e0, e in [ 5.0, 0.5; 0.1, 0.5; 1.0, 0.05 ] do
                    let v0 = vStar |> Array.map (fun v -> v + e0)
                    for c in [ 0.05; 0.3; 2.0; 10.0; infinity ] do
                        let beta = if Double.IsPositiveInfinity c then 1.0 else c / (1.0 + c)
                        let rho = 1.0 - beta * (1.0 - gamma)
                        let vs = Planning.iterates mdp Planning.Optimality Proximal.Quadratic c (Noise.Adversarial e) 0 vStar v0 60
                        for k in 0 .. 60 do
                            let bound = pown rho k * e0 + (1.0 - pown rho k) * e / (1.0 - gamma)
                            Expect.floatClose { absolute = 1e-12; relative = 1e-9 } (Planning.supDistance vs.[k] vStar) bound
                                $"seed={seed} e0={e0} e={e} c={c} k={k}: error = bound"
        }
        test "the adversarial noise pushes the error towards the bound: higher than uniform noise and above e/(1-gamma)/2 at the end" {
            let mdp = Generators.garnet 30 4 5 0.9 3 true
            let final noise = (Experiment.run (Experiment.config mdp noise (runs [ 0.5 ] 3) 300)).Traces |> Array.averageBy (fun t -> Array.last t.ErrorInf)
            let adversarial = final (Noise.Adversarial 0.1)
            Expect.isGreaterThan adversarial (final (Noise.Uniform 0.1)) "adversarial > uniform"
            Expect.isGreaterThan adversarial (0.5 * 0.1 / 0.1) "close to the bound 1.0"
        }
    ]

/// Two-sided z critical value for a 1e-4 false-failure rate per check (fixed seeds make each
/// check deterministic; the rate says how unlikely a failure is if the closed form is right).
let zCritical = 3.89

[<Tests>]
let zeroMeanNoise =
    testList "Tabular.Planning zero-mean noise" [
        test "policy evaluation: Monte-Carlo mean and covariance of e_K match A^K e_0 and beta^2 sum A^j Sigma A^jT (z-tests at 1e-4 per check, 4000 runs)" {
            let mdp = Generators.garnet 3 2 2 0.9 4 true
            let policy = [| 1; 0; 1 |]
            let gamma, c, k, sigma, n = 0.9, 0.5, 12, 1.0, 4000
            let cfg = { Experiment.config mdp (Noise.Gaussian sigma) (runs [ c ] n) k with Target = Planning.Evaluation policy }
            let result = Experiment.run cfg
            let vPi = result.Reference
            let pPi = Bellman.policyMatrix mdp policy
            let e0 = MathNet.Numerics.LinearAlgebra.Vector<float>.Build.DenseOfArray(Array.map (fun x -> -x) vPi)
            let bias = NoiseMoments.bias gamma c pPi k e0
            let cov = NoiseMoments.covariance gamma c pPi k (MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.DenseIdentity 3 * (sigma * sigma))
            let errors = result.Traces |> Array.map (fun t -> Array.map2 (-) t.Final vPi)
            for s in 0 .. 2 do
                let mean = errors |> Array.averageBy (fun e -> e.[s])
                let z = (mean - bias.[s]) / sqrt (cov.[s, s] / float n)
                Expect.isLessThan (abs z) zCritical $"mean s={s}: {mean} vs {bias.[s]}"
            for i in 0 .. 2 do
                for j in i .. 2 do
                    // e_K is Gaussian, so the product of centred entries has
                    // variance Sigma_ii Sigma_jj + Sigma_ij^2.
                    let estimate = errors |> Array.averageBy (fun e -> (e.[i] - bias.[i]) * (e.[j] - bias.[j]))
                    let se = sqrt ((cov.[i, i] * cov.[j, j] + cov.[i, j] ** 2.0) / float n)
                    Expect.isLessThan (abs ((estimate - cov.[i, j]) / se)) zCritical $"cov {i},{j}: {estimate} vs {cov.[i, j]}"
        }
        test "policy evaluation with uniform noise: the mean error matches A^K e_0 (z-test at 1e-4 per state, CLT)" {
            let mdp = Generators.garnet 4 2 3 0.9 9 false
            let policy = [| 0; 1; 1; 0 |]
            let gamma, c, k, e, n = 0.9, 0.25, 20, 1.0, 4000
            let result = Experiment.run { Experiment.config mdp (Noise.Uniform e) (runs [ c ] n) k with Target = Planning.Evaluation policy }
            let vPi = result.Reference
            let pPi = Bellman.policyMatrix mdp policy
            let bias = NoiseMoments.bias gamma c pPi k (MathNet.Numerics.LinearAlgebra.Vector<float>.Build.DenseOfArray(Array.map (fun x -> -x) vPi))
            let cov = NoiseMoments.covariance gamma c pPi k (MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.DenseIdentity 4 * (e * e / 3.0))
            for s in 0 .. 3 do
                let mean = result.Traces |> Array.averageBy (fun t -> t.Final.[s] - vPi.[s])
                Expect.isLessThan (abs ((mean - bias.[s]) / sqrt (cov.[s, s] / float n))) zCritical $"s={s}"
        }
        test "headline: Gaussian sigma=1 on Garnet(50,4,5), gamma 0.9, 200 iterations, 20 seeds: some c in [0.1,1] beats VI; without noise VI is best" {
            let mdp = Generators.garnet 50 4 5 0.9 0 true
            let cs = [ 0.1; 0.2; 0.5; 1.0; infinity ]
            let meanFinal noise =
                Experiment.run (Experiment.config mdp noise (runs cs 20) 200)
                |> Experiment.summarise
                |> Array.map (fun s -> s.C, s.MeanFinalInf)
                |> Map.ofArray
            let noisy = meanFinal (Noise.Gaussian 1.0)
            let bestProximal = cs |> List.filter (fun c -> c <= 1.0) |> List.map (fun c -> noisy.[c]) |> List.min
            Expect.isLessThan bestProximal noisy.[infinity] $"noisy: {noisy}"
            let clean = meanFinal Noise.NoNoise
            for c in cs do
                Expect.isLessThanOrEqual clean.[infinity] clean.[c] $"clean: {clean}"
        }
        test "greedy-policy value loss is traced, non-negative and zero once noiseless PVI has converged" {
            let mdp = Generators.garnet 15 3 3 0.9 6 true
            let result = Experiment.run { Experiment.config mdp Noise.NoNoise (runs [ 0.5 ] 1) 400 with TracePolicyLoss = true }
            let loss = result.Traces.[0].PolicyLoss
            Expect.equal loss.Length 401 "one per iterate"
            Expect.isTrue (loss |> Array.forall (fun l -> l >= 0.0)) "non-negative"
            Expect.isLessThan (Array.last loss) 1e-9 "pi_K optimal"
        }
    ]
