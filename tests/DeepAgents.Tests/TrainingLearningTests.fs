/// Learning as statistics, not one lucky seed: DQN, DQN Pro, Rainbow and Rainbow Pro each train on CartPole
/// with their cartpole preset for three seeds, and the mean score across the seeds must clear a one-sided
/// threshold that sits far above the random policy (measured here) and well below the measured means.
module TrainingLearningTests

open System
open System.IO
open Expecto
open Research.DeepAgents.Training
open TrainingTestSupport

let tempRun (name: string) =
    Path.Combine(Path.GetTempPath(), "prox-tests", sprintf "%s-%s" name (Guid.NewGuid().ToString("N").Substring(0, 8)))

let evaluationMeans dir =
    File.ReadAllLines(Path.Combine(dir, "metrics", "evaluations.csv"))
    |> Array.skip 1
    |> Array.map (fun l -> float (l.Split(',')[3]))

/// Budget per run: the agent's cartpole preset cut to 10k steps (warm-up 1k, epsilon decay over 10k), greedy
/// evaluations of 10 episodes at 5k and 10k steps; 12 runs take ~1.5 min of one core.
let private steps = 10000L

/// A run's score: the mean of its evaluations (the whole curve, since
/// DQN on CartPole oscillates between them).
let private score agent (seed: int64) =
    let dir = tempRun $"learn-{agent}-s{seed}"
    let config = configWith (Presets.Get("cartpole", agent)) [ "TotalSteps", box steps; "Seed", box seed ]
    use trainer = Trainer.Start(config, dir)
    trainer.Train() |> ignore
    // The random policy of the same environment: epsilon = 1 for 50 evaluation episodes.
    let random = (Evaluation.Run(trainer.Agent, config, 99L, Nullable 50, Nullable 1.0)).MeanReturn
    let evals = evaluationMeans dir
    deleteRuns [ dir ]
    Expect.equal evals.Length 2 "evaluations at 5k and 10k steps"
    Array.average evals, random

/// Threshold 100 for the mean over seeds 1-3. Why: the random policy scores 21.6-21.9 (checked below 30 in
/// every run, so 100 is more than 3x random). Measured on this project's 2-core machine (2026-12-06), seed
/// scores and means: DQN 131.9, 174.5, 124.3 (mean 143.5, standard error 15.7); DQN Pro 229.9, 197.8, 165.5
/// (197.7); Rainbow 192.5, 309.8, 345.6 (282.6); Rainbow Pro 212.3, 286.0, 353.8 (284.0). 100 is below every
/// single seed and 2.8 standard errors below the lowest mean (DQN's), so a machine whose float results differ
/// (the fused kernels follow the CPU's SIMD width) still passes, while an agent that does not learn (stays
/// near 22) or learns at a fraction of the speed cannot; the failure message prints every score.
let private learns agent =
    test $"{agent} learns CartPole: mean score over seeds 1-3 >= 100 (random ~22) within 10k steps" {
        let results = [ for seed in 1L .. 3L -> score agent seed ]
        let scores = results |> List.map fst
        let mean = List.average scores
        printfn "%s on CartPole, seeds 1-3: scores %A, random %A" agent scores (results |> List.map snd)
        for _, random in results do
            Expect.isLessThan random 30.0 "the random policy scores below 30"
        Expect.isGreaterThanOrEqual mean 100.0 (sprintf "mean over seeds of the mean evaluation (seeds: %A)" scores)
        Expect.isGreaterThanOrEqual mean (3.0 * (results |> List.map snd |> List.max)) "at least 3x the random policy"
    }

[<Tests>]
let tests =
    // Sequenced: trainers run one at a time (several libtorch trainers
    // as threads of one process are avoided).
    testSequenced <| testList "Learning" [ for agent in [ "dqn"; "dqn-pro"; "rainbow"; "rainbow-pro" ] -> learns agent ]
