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

[<Tests>]
let tests =
    testSequenced <| testList "Learning" [
        // Budget: the cartpole preset as is (30k steps, greedy evaluation of 10 episodes every 5k steps),
        // ~15 s of one core. A uniformly random policy scores ~22. DQN on CartPole oscillates between
        // evaluations, so the check is on the whole curve: best >= 150 and mean over the 6 evaluations >= 100.
        test "DQN learns CartPole: best evaluation >= 150 and mean of the six evaluations >= 100 within 30k steps" {
            let dir = tempRun "learn-cartpole"
            use trainer = Trainer.Start(configWith Presets.CartPole [ "Seed", box 1L ], dir)
            trainer.Train() |> ignore
            let evals = evaluationMeans dir
            Expect.equal evals.Length 6 "six evaluations"
            Expect.isGreaterThanOrEqual (Array.max evals) 150.0 (sprintf "best evaluation (all: %A)" evals)
            Expect.isGreaterThanOrEqual (Array.average evals) 100.0 (sprintf "mean evaluation (all: %A)" evals)
            deleteRuns [ dir ]
        }

        // Budget: Dopamine's MinAtar DQN with epsilon decaying over 20k instead of 250k steps, 50k steps
        // (~12k updates, ~17 s of one core). Random play in Breakout scores ~0.5-1 per episode; the
        // check is the greedy (eval epsilon 0.001) mean return of 20 episodes at the end.
        test "DQN on MinAtar Breakout beats the random policy clearly after 50k steps" {
            let dir = tempRun "learn-breakout"
            let config =
                configWith Presets.MinAtarDopamine [
                    "TotalSteps", box 50000L; "EpsilonDecaySteps", box 20000L; "EvalPeriod", box 25000L
                    "EvalEpisodes", box 20; "CheckpointPeriod", box 0L; "TensorBoard", box false; "Seed", box 1L ]
            use trainer = Trainer.Start(config, dir)
            trainer.Train() |> ignore
            let random = Evaluation.Run(trainer.Agent, config, 99L, Nullable 50, Nullable 1.0)
            let final = (evaluationMeans dir) |> Array.last
            Expect.isLessThan random.MeanReturn 1.5 "random policy (epsilon 1) scores below 1.5"
            Expect.isGreaterThanOrEqual final 2.0 (sprintf "greedy return after 50k steps (random: %.2f)" random.MeanReturn)
            Expect.isGreaterThanOrEqual final (2.0 * random.MeanReturn) "at least twice the random policy's return"
            deleteRuns [ dir ]
        }
    ]
