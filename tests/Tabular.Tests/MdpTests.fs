module MdpTests

open System
open Expecto
open Research.Tabular

let messageOf (f: unit -> 'a) =
    try
        f () |> ignore
        failtest "expected an ArgumentException"
    with :? ArgumentException as e -> e.Message

let twoStateRewards = array2D [ [ 0.0; 1.0 ]; [ 0.5; 0.0 ] ]
let twoStateTransitions (p: float) =
    Array3D.init 2 2 2 (fun s a n -> if s = 1 && a = 0 then (if n = 0 then p else 1.0 - p) else (if n = s then 1.0 else 0.0))

[<Tests>]
let validation =
    testList "Tabular.Mdp validation" [
        test "a valid dense MDP is accepted and read back" {
            let mdp = Mdp.dense 0.9 twoStateRewards (twoStateTransitions 0.3)
            Expect.equal (mdp.States, mdp.Actions, mdp.Gamma) (2, 2, 0.9) "sizes"
            Expect.equal (mdp.Probability(1, 0, 0)) 0.3 "P[1,0,0]"
            Expect.equal (mdp.Reward(0, 1)) 1.0 "R[0,1]"
        }
        test "a row that does not sum to 1 names the row and its sum" {
            let t = twoStateTransitions 0.3
            t.[1, 0, 1] <- 0.68
            Expect.equal (messageOf (fun () -> Mdp.dense 0.9 twoStateRewards t))
                "Transitions[s=1,a=0] sum to 0.98; each row must sum to 1 within 1e-9" "message"
        }
        test "a row sum off by less than 1e-9 is accepted, by more is rejected" {
            let t = twoStateTransitions 0.3
            t.[1, 0, 1] <- 0.7 + 5e-10
            Mdp.dense 0.9 twoStateRewards t |> ignore
            t.[1, 0, 1] <- 0.7 + 2e-9
            Expect.stringContains (messageOf (fun () -> Mdp.dense 0.9 twoStateRewards t)) "Transitions[s=1,a=0] sum to" "rejected"
        }
        test "a negative probability names the entry" {
            let t = twoStateTransitions 0.3
            t.[0, 1, 0] <- 1.1
            t.[0, 1, 1] <- -0.1
            Expect.equal (messageOf (fun () -> Mdp.dense 0.9 twoStateRewards t))
                "Transitions[s=0,a=1,s'=1] is -0.1; probabilities must be finite and >= 0" "message"
        }
        test "a non-finite reward names the entry" {
            let r = Array2D.copy twoStateRewards
            r.[1, 1] <- nan
            Expect.equal (messageOf (fun () -> Mdp.dense 0.9 r (twoStateTransitions 0.3)))
                "Rewards[s=1,a=1] is NaN; rewards must be finite" "message"
        }
        test "gamma outside [0, 1) is rejected" {
            Expect.equal (messageOf (fun () -> Mdp.dense 1.0 twoStateRewards (twoStateTransitions 0.3)))
                "Gamma is 1; allowed: 0 <= gamma < 1" "gamma = 1"
            Expect.equal (messageOf (fun () -> Mdp.dense -0.1 twoStateRewards (twoStateTransitions 0.3)))
                "Gamma is -0.1; allowed: 0 <= gamma < 1" "gamma < 0"
        }
        test "shape mismatches and bad sparse next states are named" {
            Expect.equal (messageOf (fun () -> Mdp.dense 0.9 twoStateRewards (Array3D.zeroCreate 2 3 2)))
                "Transitions has shape 2x3x2; expected S x A x S = 2x2x2" "dense shape"
            let succ = [| [| [| (0, 1.0) |]; [| (2, 1.0) |] |]; [| [| (1, 1.0) |]; [| (1, 1.0) |] |] |]
            Expect.equal (messageOf (fun () -> Mdp.sparse 0.9 twoStateRewards succ))
                "Transitions[s=0,a=1] has next state 2; allowed: 0..1" "next state"
        }
        test "generators reject bad parameters by name" {
            Expect.equal (messageOf (fun () -> Generators.garnet 0 4 1 0.9 0 true)) "garnet states is 0; allowed: >= 1" "states"
            Expect.equal (messageOf (fun () -> Generators.garnet 5 4 6 0.9 0 true)) "garnet branching is 6; allowed: 1..states (= 5)" "branching"
            Expect.equal (messageOf (fun () -> Generators.gridWorld 3 1.5 0.9)) "gridworld slip is 1.5; allowed: 0 <= slip <= 1" "slip"
            Expect.equal (messageOf (fun () -> Generators.chain 1 0.1 0.9)) "chain states is 1; allowed: >= 2" "chain"
        }
        test "planning parameters are validated (c, PMPI steps, noise, policy)" {
            let mdp = Generators.garnet 4 2 2 0.9 1 false
            let cfg = Experiment.config mdp Noise.NoNoise (Experiment.grid [ 0.5; -1.0 ] 1) 3
            Expect.equal (messageOf (fun () -> Experiment.run cfg)) "c is -1; allowed: c > 0, or infinity for VI" "c"
            let cfg = Experiment.config mdp (Noise.Gaussian -1.0) (Experiment.grid [ 0.5 ] 1) 3
            Expect.equal (messageOf (fun () -> Experiment.run cfg)) "gaussian noise parameter is -1; allowed: a finite number >= 0" "noise"
            let cfg = { Experiment.config mdp Noise.NoNoise (Experiment.grid [ 0.5 ] 1) 3 with Target = Planning.ModifiedPolicy 0 }
            Expect.equal (messageOf (fun () -> Experiment.run cfg)) "PMPI steps m is 0; allowed: m >= 1" "m"
            let cfg = { Experiment.config mdp Noise.NoNoise (Experiment.grid [ 0.5 ] 1) 3 with Target = Planning.Evaluation [| 0; 1; 2; 0 |] }
            Expect.equal (messageOf (fun () -> Experiment.run cfg)) "policy[s=2] is 2; allowed: 0..1" "policy"
        }
    ]

[<Tests>]
let generators =
    testList "Tabular.Generators" [
        test "Garnet: rows are distributions over exactly `branching` states, rewards in [0,1], seeded" {
            let mdp = Generators.garnet 30 4 5 0.9 7 false
            for s in 0 .. 29 do
                for a in 0 .. 3 do
                    let succ = mdp.Successors(s, a)
                    Expect.equal succ.Length 5 "branching"
                    Expect.floatClose Accuracy.veryHigh (succ |> Array.sumBy snd) 1.0 "sum"
                    Expect.isTrue (mdp.Reward(s, a) >= 0.0 && mdp.Reward(s, a) < 1.0) "reward"
            let again = Generators.garnet 30 4 5 0.9 7 true
            let other = Generators.garnet 30 4 5 0.9 8 true
            let same = [ for s in 0 .. 29 do for a in 0 .. 3 do for n in 0 .. 29 -> mdp.Probability(s, a, n) = again.Probability(s, a, n) ]
            Expect.isTrue (List.forall id same) "dense and sparse storage of the same seed agree"
            Expect.notEqual (other.Reward(0, 0)) (again.Reward(0, 0)) "another seed differs"
        }
        test "grid world: the goal is absorbing and optimal values increase towards it" {
            let mdp = Generators.gridWorld 4 0.1 0.9
            Expect.equal (mdp.Successors(15, 2)) [| (15, 1.0) |] "absorbing"
            let v = (Exact.solve mdp).Value
            Expect.floatClose Accuracy.high v.[15] 10.0 "v*(goal) = 1/(1-gamma)"
            Expect.isGreaterThan v.[14] v.[0] "closer is better"
            Expect.equal (mdp.Successors(0, 0) |> Array.sumBy snd) 1.0 "row sum with walls"
        }
        test "chain: going right is optimal from every state when the far reward dominates" {
            let mdp = Generators.chain 6 0.1 0.95
            let sol = Exact.solve mdp
            Expect.equal sol.Policy (Array.create 6 1) "all right"
        }
    ]

[<Tests>]
let exact =
    testList "Tabular.Exact" [
        test "policy iteration's v* is the fixed point of T* (residual < 1e-10) and matches long VI" {
            for seed in 0 .. 4 do
                let mdp = Generators.garnet 40 5 4 0.95 seed (seed % 2 = 0)
                let sol = Exact.solve mdp
                Expect.isLessThan (Exact.bellmanResidual mdp sol.Value) 1e-10 "residual"
                let mutable v = Array.zeroCreate 40
                for _ in 1 .. 1000 do v <- Bellman.optimality mdp v
                Expect.isLessThan (Planning.supDistance v sol.Value) 1e-10 "VI limit"
                Expect.equal sol.Policy (Bellman.greedy mdp sol.Value) "pi* greedy w.r.t. v*"
        }
    ]
