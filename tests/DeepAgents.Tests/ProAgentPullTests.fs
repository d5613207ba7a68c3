/// The proximal pull where the paper uses it (docs/agents.md, "DQN Pro" and "Rainbow"): one update of a DQN
/// Pro or Rainbow Pro agent at a finite c~ moves every online parameter tensor to (1 - mu) w + mu theta
/// composed with the plain step. The plain step comes from a twin agent with c~ = infinity (the same seed,
/// replay, batch, noise and gradient): Pro's w' must equal plain w' + mu (theta - w) up to
/// float32 rounding, tensor by tensor.
module ProAgentPullTests

open System
open Expecto
open TorchSharp
open Research.DeepAgents.Agents
open Research.DeepAgents.Environments
open Research.DeepAgents.Training
open TrainingTestSupport
open TorchTestSupport

/// The unit roundoff of float32, 2^-24.
let private u = Math.Pow(2.0, -24.0)

let private parameters (m: torch.nn.Module) =
    m.named_parameters() |> Seq.map (fun struct (n, t) -> n, values t) |> List.ofSeq

let private buffers (m: torch.nn.Module) =
    m.named_buffers() |> Seq.map (fun struct (n, t) -> n, values t) |> List.ofSeq

/// Feeds `steps` transitions of MinAtar Breakout chosen by the agent; min-replay-history is above `steps`, so
/// nothing is learnt yet and both twins see the same replay.
let private fill (agent: IAgent) (steps: int) =
    let env = EnvironmentFactory.Create("minatar:breakout", EnvironmentOptions(Seed = 3))
    feed env agent steps

/// A Pro config on MinAtar with an independent random target (so theta - w is of the order of w, and the pull
/// is far above the rounding tolerance) and no learning before the test's own update.
let private proConfig agent (extra: (string * objnull) list) =
    configWith (Presets.Get("minatar-dopamine", agent)) ([
        "Environment", box "minatar:breakout"; "PullTowardRandomTargetAtStart", box true
        "MinReplayHistory", box 1000000L; "ReplayCapacity", box 2000; "BatchSize", box 32; "Seed", box 11L ] @ extra)

type private Update = { W: (string * float32[]) list; Theta: (string * float32[]) list; After: (string * float32[]) list
                        TargetAfter: (string * float32[]) list; Buffers: (string * float32[]) list; Mu: float }

/// Builds the agent, fills its replay, runs exactly one update, and returns w, theta, w' (online), theta
/// after, and the online network's buffers (NoisyLinear's noise) after the update.
let private oneUpdate (config: TrainingConfig) (make: TrainingConfig -> IAgent) (online: IAgent -> torch.nn.Module)
                      (target: IAgent -> torch.nn.Module) (update: IAgent -> unit) =
    init ()
    use agent = make config
    fill agent 100
    // Biases start at zero in both networks: shift every target tensor
    // so that theta - w is nonzero everywhere.
    using (torch.no_grad()) (fun _ ->
        for struct (_, p) in (target agent).named_parameters() do
            use shift = tensorOf p.shape (Array.init (int (p.numel())) (fun i -> float32 (i % 7 - 3) * 0.01f))
            p.add_(shift) |> ignore)
    let w, theta = parameters (online agent), parameters (target agent)
    Expect.equal agent.Mu (config.LearningRate / config.CTilde) "the agent's mu = alpha / c~"
    update agent
    { W = w; Theta = theta; After = parameters (online agent); TargetAfter = parameters (target agent)
      Buffers = buffers (online agent); Mu = config.LearningRate / config.CTilde }

/// Checks Pro's update against its c~ = infinity twin, every parameter tensor, and returns the tensor names.
///
/// Tolerance (first order in u): with the step Delta computed from the same gradient and optimizer state on
/// both sides (the same float), Pro computes r = fl(fl(w + fl(mu fl(theta - w))) - Delta) and the twin
/// r0 = fl(w - Delta). Each rounding errs by at most u times its result: |t - (theta - w)| <= u |theta - w|,
/// the product adds u mu |theta - w| more, q = fl(w + p) adds u |q| <= u (|w| + mu |theta - w|), r adds
/// u |r|, and r0 adds u |r0|. So |r - (r0 + mu (theta - w))| <= u (|r| + |r0| + |w| + 4 mu |theta - w|);
/// a float64 check plus the smallest subnormal covers the comparison itself.
let private expectPulled (pro: Update) (plain: Update) =
    Expect.isGreaterThan pro.Mu 0.0 "a finite c~: mu = alpha / c~ > 0"
    Expect.equal plain.Mu 0.0 "the twin: c~ = infinity, mu = 0"
    Expect.equal pro.W plain.W "both twins start from the same w"
    Expect.equal pro.Theta plain.Theta "and the same theta"
    Expect.equal pro.TargetAfter pro.Theta "the target is not moved by the update"
    Expect.equal pro.Buffers plain.Buffers "buffers (NoisyLinear noise) are not pulled"
    let mu = pro.Mu
    for ((name, w), (_, theta)), ((_, r), (_, r0)) in List.zip (List.zip pro.W pro.Theta) (List.zip pro.After plain.After) do
        let mutable worst = 0.0
        let mutable pullSize = 0.0
        for i in 0 .. w.Length - 1 do
            let gap = float theta[i] - float w[i]
            let expected = float r0[i] + mu * gap
            let tolerance = u * (abs (float r[i]) + abs (float r0[i]) + abs (float w[i]) + 4.0 * mu * abs gap) + 1.4e-45
            worst <- max worst (abs (float r[i] - expected) / tolerance)
            pullSize <- max pullSize (abs (mu * gap) / tolerance)
        Expect.isLessThanOrEqual worst 1.0 $"{name}: w' = plain step of ((1 - mu) w + mu theta) (error / tolerance)"
        // The pull itself must be visible, or the check above would be empty for this tensor.
        Expect.isGreaterThan pullSize 100.0 $"{name}: the pull mu (theta - w) is far above the rounding tolerance"
    pro.W |> List.map fst

/// Breakout's observation spec and action count.
let private spec, actions =
    let env = EnvironmentFactory.Create("minatar:breakout", EnvironmentOptions())
    env.Observation, env.ActionCount

let private dqn config = new DqnAgent(AgentFactory.DqnSettingsOf config, spec, actions) :> IAgent
let private dqnOnline (a: IAgent) = (a :?> DqnAgent).Online :> torch.nn.Module
let private dqnTarget (a: IAgent) = (a :?> DqnAgent).Target :> torch.nn.Module
let private rainbow config = new RainbowAgent(AgentFactory.RainbowSettingsOf config, spec, actions) :> IAgent
let private rainbowOnline (a: IAgent) = (a :?> RainbowAgent).Online :> torch.nn.Module
let private rainbowTarget (a: IAgent) = (a :?> RainbowAgent).Target :> torch.nn.Module

let private optimizers =
    [ "Adam", [ "Optimizer", box "adam" ]
      "RMSProp (TensorFlow form)", [ "Optimizer", box "rms-prop"; "OptimizerForm", box "tensor-flow" ] ]

let private dqnCase kernel (optimizer, optimizerKeys) =
    test $"DQN Pro, {kernel} update, {optimizer}: every tensor pulled exactly, then stepped" {
        let config c = proConfig "dqn-pro" ([ "UpdateKernel", box kernel; "CTilde", box c ] @ optimizerKeys)
        let run c = oneUpdate (config c) dqn dqnOnline dqnTarget (fun a -> (a :?> DqnAgent).Update() |> ignore)
        let names = expectPulled (run 0.2) (run Double.PositiveInfinity)
        Expect.isGreaterThanOrEqual names.Length 4 $"conv and linear weights and biases ({names})"
    }

let private rainbowCase (head, headKeys: (string * objnull) list, expectedNames: string list) (optimizer, optimizerKeys) =
    test $"Rainbow Pro, {head}, {optimizer}: every tensor pulled exactly, then stepped; noise not pulled" {
        let config c = proConfig "rainbow-pro" ([ "CTilde", box c ] @ headKeys @ optimizerKeys)
        let run c = oneUpdate (config c) rainbow rainbowOnline rainbowTarget (fun a -> (a :?> RainbowAgent).Update() |> ignore)
        let pro = run 0.05
        let names = expectPulled pro (run Double.PositiveInfinity)
        for fragment in expectedNames do
            Expect.isTrue (names |> List.exists (fun n -> n.Contains fragment)) $"a parameter named *{fragment}* was checked ({names})"
        if List.contains ("Noisy", box true) headKeys then
            Expect.isNonEmpty pro.Buffers "the noisy layers have noise buffers"
    }

let private heads : (string * (string * objnull) list * string list) list =
    [ "C51 head", [], []
      "dueling C51 head", [ "Dueling", box true ], [ "value"; "advantage" ]
      "noisy C51 head", [ "Noisy", box true ], [ "sigma" ]
      "dueling noisy C51 head", [ "Dueling", box true; "Noisy", box true ], [ "value"; "advantage"; "sigma" ] ]

[<Tests>]
let tests =
    testList "Pro agents pull" [
        for kernel in [ "fused"; "autograd" ] do
            for o in optimizers do dqnCase kernel o
        for h in heads do
            for o in optimizers do rainbowCase h o
    ]
