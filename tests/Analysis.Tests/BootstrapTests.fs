module BootstrapTests

open System
open Expecto
open FsCheck
open Research.Analysis
open Research.Tabular

let config = { FsCheckConfig.defaultConfig with maxTest = 100 }

[<Tests>]
let bootstrap =
    testList "Analysis.Bootstrap" [
        test "95% percentile CI of the mean covers the true mean in 90-99% of 200 repetitions" {
            // n = 30 draws of N(3, 1) per repetition, B = 500. The percentile bootstrap of the mean at
            // n = 30 has true coverage ~0.93-0.95; over 200 independent repetitions the observed rate has
            // binomial s.d. ~0.016, so [0.90, 0.99] is about +-3 s.d. around 0.95 (and +2 s.d. at 0.93).
            // The seeds are fixed, so the test is deterministic; it fails if the interval is mis-placed
            // (e.g. reversed quantiles or resampling across tasks would collapse coverage).
            let rng = Rng.create 2024
            let mu = 3.0
            let covered =
                [ for rep in 1..200 do
                    let sample = Array.init 30 (fun _ -> mu + Rng.normal rng)
                    let ci = Bootstrap.confidenceInterval { Repetitions = 500; Confidence = 0.95; Seed = rep } Statistics.aggregateMean [| sample |]
                    yield ci.Lower <= mu && mu <= ci.Upper ]
                |> List.filter id |> List.length
            let rate = float covered / 200.0
            Expect.isTrue (rate >= 0.90 && rate <= 0.99) (sprintf "coverage %.3f outside [0.90, 0.99]" rate)
        }
        testProperty "stratified resampling never mixes tasks and keeps each task's run count" <| fun (sizes: PositiveInt list) (seed: int) ->
            let sizes = sizes |> List.truncate 6 |> List.map (fun s -> 1 + s.Get % 12)
            let scores = sizes |> List.mapi (fun t n -> Array.init n (fun j -> float (1000 * t + j))) |> Array.ofList
            let resampled = Bootstrap.resample (Rng.create seed) scores
            Array.forall2 (fun (orig: float[]) (res: float[]) -> res.Length = orig.Length && res |> Array.forall (fun x -> Array.contains x orig)) scores resampled
        test "one task with a single constant run: degenerate interval at the estimate" {
            let ci = Bootstrap.confidenceInterval Bootstrap.defaults Statistics.iqm [| [| 0.7 |]; [| 0.7 |] |]
            Expect.equal (ci.Estimate, ci.Lower, ci.Upper) (0.7, 0.7, 0.7) "no spread"
        }
        test "same seed, same interval; different seed, different interval" {
            // Enough distinct scores that the resampled IQMs are nearly continuous: with 7 scores the
            // percentile ends are few discrete values, which two seeds can share by chance.
            let scores = [| Array.init 12 (fun i -> sqrt (float i)); Array.init 9 (fun i -> 1.0 / float (i + 1)) |]
            let ci s = Bootstrap.confidenceInterval { Bootstrap.defaults with Seed = s } Statistics.iqm scores
            Expect.equal (ci 5) (ci 5) "deterministic"
            Expect.notEqual (ci 5) (ci 6) "seeded"
            Expect.isTrue ((ci 5).Lower <= (ci 5).Upper) "ordered"
        }
        test "bad options are errors naming the field" {
            Expect.throwsC (fun () -> Bootstrap.confidenceInterval { Bootstrap.defaults with Confidence = 1.5 } Statistics.iqm [| [| 1.0 |] |] |> ignore)
                (fun e -> Expect.stringContains e.Message "Confidence = 1.5" "message")
        }
        testPropertyWithConfig config "performance profile is non-increasing in tau, bands ordered" <| fun (values: NormalFloat list) (seed: int) ->
            let xs = values |> List.map (fun v -> v.Get) |> List.filter (fun v -> abs v < 1e6) |> Array.ofList
            xs.Length = 0 ||
            (let scores = [| xs[.. xs.Length / 2]; xs[xs.Length / 2 ..] |] |> Array.filter (fun t -> t.Length > 0)
             let taus = Bootstrap.tauGrid (Array.min xs - 1.0) (Array.max xs + 1.0) 25
             let pts = Bootstrap.performanceProfile { Repetitions = 50; Confidence = 0.9; Seed = seed } taus scores
             let fractions = pts |> Array.map (fun p -> p.Fraction)
             Array.pairwise fractions |> Array.forall (fun (a, b) -> b <= a)
             && pts |> Array.forall (fun p -> p.Lower <= p.Upper && p.Fraction >= 0.0 && p.Fraction <= 1.0)
             && fractions[0] = 1.0 && fractions[fractions.Length - 1] = 0.0)
        test "profile by hand: pooled fraction above tau" {
            let scores = [| [| 0.0; 1.0 |]; [| 2.0; 3.0 |] |]
            Expect.equal (Bootstrap.profileAt scores 0.5) 0.75 "3 of 4 runs above 0.5"
            Expect.equal (Bootstrap.profileAt scores 3.0) 0.0 "strictly greater"
        }
    ]

[<Tests>]
let curves =
    testList "Analysis.Curves" [
        test "common steps: mean and s.e. across seeds at shared x only" {
            let a = [| 1.0, 10.0; 2.0, 20.0; 3.0, 30.0 |]
            let b = [| 1.0, 14.0; 2.0, 24.0 |]
            let pts = Curves.atCommonSteps [ a; b ]
            Expect.equal (pts |> Array.map (fun p -> p.X)) [| 1.0; 2.0 |] "x = 3 is missing in seed b"
            Expect.equal pts[0].Mean 12.0 "mean"
            Expect.floatClose Accuracy.veryHigh pts[0].StandardError 2.0 "s.e. = sd(10,14)/sqrt 2 = 2"
        }
        test "binning: per-bin means, hold of empty bins, common range" {
            let a = [| 1.0, 1.0; 2.0, 3.0; 7.0, 5.0; 10.0, 7.0 |]
            let b = [| 4.0, 2.0; 10.0, 4.0; 12.0, 100.0 |]
            // range [0, 10] (smallest last x), 2 bins: (0,5], (5,10]
            let pts = Curves.binned 2 [ a; b ]
            Expect.equal (pts |> Array.map (fun p -> p.X)) [| 5.0; 10.0 |] "bin ends"
            Expect.equal pts[0].Mean ((2.0 + 2.0) / 2.0) "bin 1: a = mean(1,3) = 2, b = 2"
            Expect.equal pts[1].Mean ((6.0 + 4.0) / 2.0) "bin 2: a = mean(5,7) = 6, b = 4 (x = 12 outside)"
            let held = Curves.binned 4 [ [| 1.0, 1.0; 8.0, 3.0 |] ]
            Expect.equal (held |> Array.map (fun p -> p.Mean)) [| 1.0; 1.0; 1.0; 3.0 |] "empty bins hold the previous value"
        }
        test "radar: ratio to the best c~ per game" {
            let pts = Curves.radar [ "g", 0.1, [| 10.0; 20.0 |]; "g", 1.0, [| 5.0 |]; "h", 0.1, [| 4.0 |]; "h", 1.0, [| 8.0 |] ]
            let ratio g c = (pts |> List.find (fun p -> p.Game = g && p.CTilde = c)).Ratio
            Expect.equal (ratio "g" 0.1) 1.0 "best on g"
            Expect.equal (ratio "g" 1.0) (5.0 / 15.0) "g, c~ = 1"
            Expect.equal (ratio "h" 0.1) 0.5 "h, c~ = 0.1"
        }
        test "symlog ticks map original values" {
            Expect.equal (Figures.symlog 0.0) 0.0 "0"
            Expect.floatClose Accuracy.veryHigh (Figures.symlog 9.0) 1.0 "9 -> log10 10"
            Expect.floatClose Accuracy.veryHigh (Figures.symlog -99.0) -2.0 "-99 -> -2"
            let vals, labels = Figures.symlogTicks 250.0
            Expect.equal labels [| "-1,000%"; "-100%"; "-10%"; "-1%"; "0%"; "1%"; "10%"; "100%"; "1,000%" |] "labels"
            Expect.equal vals.Length labels.Length "one value per label"
        }
    ]
