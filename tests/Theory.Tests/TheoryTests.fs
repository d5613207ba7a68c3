module TheoryTests

open System
open Expecto
open MathNet.Numerics.LinearAlgebra
open Research.Theory

let matrix (rows: float list list) = Matrix<float>.Build.DenseOfRows(rows |> List.map Seq.ofList)
let vector (xs: float list) = Vector<float>.Build.DenseOfEnumerable xs

/// Relative agreement to `digits` significant digits: |x - expected| <= 0.5 * 10^(e - digits + 1),
/// e the decimal exponent of `expected` (so 1.06 at 3 digits means 1.055 <= x < 1.065).
let agreesTo (digits: int) (expected: float) (x: float) =
    let e = floor (log10 (abs expected))
    abs (x - expected) <= 0.5 * 10.0 ** (e - float digits + 1.0) + 1e-12

[<Tests>]
let contraction =
    testList "Theory.Contraction" [
        test "beta = c/(1+c), c = infinity gives beta = 1 exactly" {
            Expect.floatClose Accuracy.veryHigh (Contraction.beta 0.5) (1.0 / 3.0) "beta(0.5)"
            Expect.equal (Contraction.beta infinity) 1.0 "beta(inf)"
            Expect.floatClose Accuracy.veryHigh (Contraction.cOfBeta (Contraction.beta 0.37)) 0.37 "round trip"
        }
        test "PVI modulus equals (1 + c gamma)/(1 + c) and tends to gamma" {
            for gamma in [ 0.0; 0.5; 0.9; 0.99 ] do
                for c in [ 0.01; 0.1; 1.0; 10.0; 1e6 ] do
                    Expect.floatClose Accuracy.veryHigh (Contraction.pviModulus gamma c) ((1.0 + c * gamma) / (1.0 + c)) "closed form"
                    Expect.isGreaterThanOrEqual (Contraction.pviModulus gamma c) gamma "rho >= gamma"
                Expect.equal (Contraction.pviModulus gamma infinity) gamma "VI modulus"
        }
        test "PMPI modulus is (1 + c gamma^m)/(1 + c); m = 1 is PVI" {
            Expect.floatClose Accuracy.veryHigh (Contraction.pmpiModulus 0.9 0.5 3) ((1.0 + 0.5 * 0.729) / 1.5) "m=3"
            Expect.equal (Contraction.pmpiModulus 0.9 0.5 1) (Contraction.pviModulus 0.9 0.5) "m=1"
        }
        test "invalid gamma, c and m are rejected with the value named" {
            let msg f = try f () |> ignore; "" with :? ArgumentException as e -> e.Message
            Expect.stringContains (msg (fun () -> Contraction.pviModulus 1.2 0.5)) "gamma is 1.2; allowed: 0 <= gamma < 1" "gamma"
            Expect.stringContains (msg (fun () -> Contraction.pviModulus 0.9 -1.0)) "c is -1; allowed: c > 0" "c"
            Expect.stringContains (msg (fun () -> Contraction.pmpiModulus 0.9 1.0 0)) "m is 0; allowed: m >= 1" "m"
        }
    ]

[<Tests>]
let bounds =
    testList "Theory.NoiseBound" [
        test "bounded-noise bound: K = 0 gives e0, K -> infinity gives e/(1-gamma)" {
            Expect.floatClose Accuracy.veryHigh (NoiseBound.afterSteps 0.9 0.5 0 10.0 0.1) 10.0 "K=0"
            Expect.floatClose Accuracy.high (NoiseBound.afterSteps 0.9 0.5 100000 10.0 0.1) 1.0 "K=inf"
        }
        test "bounded-noise bound matches the recursion b_{k+1} = rho b_k + beta e" {
            let gamma, c, e0, e = 0.95, 0.3, 7.0, 0.2
            let rho, beta = Contraction.pviModulus gamma c, Contraction.beta c
            let mutable b = e0
            for k in 1 .. 60 do
                b <- rho * b + beta * e
                Expect.floatClose Accuracy.high (NoiseBound.afterSteps gamma c k e0 e) b $"k={k}"
        }
        test "PMPI bound with m = 1 equals the PVI bound" {
            Expect.floatClose Accuracy.veryHigh (NoiseBound.afterStepsPmpi 0.9 0.5 1 37 3.0 0.4) (NoiseBound.afterSteps 0.9 0.5 37 3.0 0.4) "m=1"
        }
    ]

[<Tests>]
let moments =
    testList "Theory.NoiseMoments" [
        test "1x1 matrix forms reduce to the scalar MSE (bias^2 + variance)" {
            let gamma, c, K, e0, sigma = 0.9, 0.25, 40, 10.0, 1.5
            let p = matrix [ [ 1.0 ] ]
            let b = NoiseMoments.bias gamma c p K (vector [ e0 ])
            let v = NoiseMoments.covariance gamma c p K (matrix [ [ sigma * sigma ] ])
            Expect.floatClose Accuracy.high (b.[0] ** 2.0 + v.[0, 0]) (NoiseMoments.mse gamma c K e0 sigma) "MSE"
        }
        test "covariance recursion equals the sum beta^2 sum_j A^j Sigma A^jT" {
            let p = matrix [ [ 0.2; 0.8; 0.0 ]; [ 0.0; 0.5; 0.5 ]; [ 1.0; 0.0; 0.0 ] ]
            let sigma = matrix [ [ 1.0; 0.3; 0.0 ]; [ 0.3; 2.0; 0.1 ]; [ 0.0; 0.1; 0.5 ] ]
            let gamma, c, K = 0.9, 0.7, 12
            let a = NoiseMoments.iterationMatrix gamma c p
            let beta = Contraction.beta c
            let direct = List.init K (fun j -> let aj = a.Power j in aj * sigma * aj.Transpose()) |> List.reduce (+)
            let expected = beta * beta * direct
            let actual = NoiseMoments.covariance gamma c p K sigma
            Expect.isLessThan ((actual - expected).InfinityNorm()) 1e-12 "sum form"
        }
        test "stationary variance is the K -> infinity limit of the variance term; VI is sigma^2/(1-gamma^2)" {
            let gamma, c, sigma = 0.9, 0.4, 1.3
            Expect.floatClose Accuracy.high (NoiseMoments.mse gamma c 100000 0.0 sigma) (NoiseMoments.stationaryVariance gamma c sigma) "PVI"
            Expect.floatClose Accuracy.high (NoiseMoments.stationaryVariance gamma infinity sigma) (NoiseMoments.stationaryVarianceVi gamma sigma) "VI"
            Expect.floatClose Accuracy.veryHigh (NoiseMoments.stationaryVarianceVi 0.9 1.0) (1.0 / 0.19) "VI closed form"
        }
    ]

/// The check-value table of docs/planning.md, result 5: gamma, K, beta*, c*, MSE at c*, MSE of VI.
let checkValues =
    [ 0.9, 50, 0.514, 1.06, 3.14, 5.27
      0.9, 200, 0.166, 0.198, 0.96, 5.26
      0.9, 1000, 0.041, 0.043, 0.23, 5.26
      0.99, 200, 0.487, 0.95, 35.1, 51.1
      0.99, 1000, 0.181, 0.221, 11.5, 50.3
      0.99, 5000, 0.053, 0.056, 3.14, 50.3 ]

/// Significant digits given in the table entry (e.g. "0.96" has 2, "0.514" has 3).
let digitsOf (x: float) =
    let s = x.ToString("R", Globalization.CultureInfo.InvariantCulture).TrimStart('0', '.')
    s.Replace(".", "").Length

[<Tests>]
let optimalC =
    testList "Theory.OptimalC" [
        for (gamma, k, beta, c, mse, mseVi) in checkValues do
            test $"check values gamma={gamma} K={k}: beta*, c*, MSE(c*), MSE(VI) to the digits given (<= 3)" {
                let o = OptimalC.optimalC gamma k 10.0 1.0
                let check name expected actual =
                    Expect.isTrue (agreesTo (min 3 (digitsOf expected)) expected actual) $"{name}: expected {expected}, got {actual}"
                check "beta*" beta o.Beta
                check "c*" c o.C
                check "MSE at c*" mse o.Mse
                check "MSE of VI" mseVi o.MseVi
            }
        test "MSE_K(beta) is unimodal on the check-value cases (decreasing then increasing on a fine grid)" {
            for (gamma, k, _, _, _, _) in checkValues do
                let f = NoiseMoments.mseOfBeta gamma k 10.0 1.0
                let ys = Array.init 20000 (fun i -> f (float (i + 1) / 20000.0))
                let turns = ys |> Array.pairwise |> Array.map (fun (a, b) -> sign (b - a)) |> Array.filter ((<>) 0) |> Array.pairwise |> Array.filter (fun (a, b) -> a <> b)
                Expect.equal turns.Length 1 $"gamma={gamma} K={k}: one turn"
        }
        test "the optimum is interior and shrinks as K grows (noisier updates need more gravity)" {
            let cs = [ 50; 200; 1000 ] |> List.map (fun k -> (OptimalC.optimalC 0.9 k 10.0 1.0).C)
            Expect.isTrue (cs |> List.pairwise |> List.forall (fun (a, b) -> b < a)) $"{cs}"
            Expect.isTrue (cs |> List.forall (fun c -> c > 0.0 && c < infinity)) "interior"
        }
        test "without noise VI (beta = 1) is optimal" {
            let o = OptimalC.optimalC 0.9 100 10.0 0.0
            Expect.equal o.Beta 1.0 "beta* = 1"
            Expect.equal o.C infinity "c* = infinity"
        }
        test "the refined minimum beats every point of a fine grid" {
            let o = OptimalC.optimalC 0.99 1000 10.0 1.0
            let f = NoiseMoments.mseOfBeta 0.99 1000 10.0 1.0
            for i in 1 .. 100000 do
                Expect.isLessThanOrEqual o.Mse (f (float i / 100000.0) + 1e-12) "grid point"
        }
    ]
