module TrainingTestSupport

open System
open Research.DeepAgents.Agents
open Research.DeepAgents.Configuration
open Research.DeepAgents.Environments

/// F# cannot use C#'s `with` on C# records: apply typed overrides through the `--set` path instead
/// (values are printed with round-trip precision, so doubles survive exactly).
let configWith (config: TrainingConfig) (pairs: (string * objnull) list) =
    ConfigOverrides.Apply(config, pairs |> List.map (fun (k, v) -> k + "=" + ConfigKeys.Format v))

/// Runs `f`, expects an exception of type 'T and returns its message.
let throwsMessage<'T when 'T :> exn> (f: unit -> unit) : string =
    try
        f ()
        failwithf "expected %s, nothing was thrown" typeof<'T>.Name
    with
    | :? 'T as e -> e.Message

/// Deletes run directories a test created (best effort: a failing test leaves them for inspection).
let deleteRuns (dirs: string list) =
    for d in dirs do
        try
            if System.IO.Directory.Exists d then System.IO.Directory.Delete(d, true)
        with _ -> ()

/// Feeds `steps` transitions of `env` chosen by the agent (the tests keep min-replay-history above `steps`,
/// so nothing is learnt).
let feed (env: IEnvironment) (agent: IAgent) (steps: int) =
    let o = Array.zeroCreate<float32> env.Observation.Size
    env.Observe(Span o)
    agent.BeginEpisode(ReadOnlySpan o)
    for _ in 1 .. steps do
        let a = agent.SelectAction(ReadOnlySpan o)
        let r = env.Step a
        env.Observe(Span o)
        agent.Observe(a, r.Reward, r.Terminated, ReadOnlySpan o) |> ignore
        if r.Done then
            env.Reset()
            env.Observe(Span o)
            agent.BeginEpisode(ReadOnlySpan o)
