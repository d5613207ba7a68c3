/// Planning-sweep benchmark (docs/performance.md, "Planning sweep"): Garnet S=500, A=8 with dense
/// transitions, 32 seeds x 8 values of c, noisy PVI (Gaussian sigma = 1), gamma 0.9.
/// Reports run-iterations per second (runs x iterations / seconds) for
///   batched  - Experiment.run: all 256 runs as columns of one value matrix, Q = R + gamma P V by the
///              hand-written SIMD kernel, plus noise and the proximal step (the real engine);
///   mathnet  - the same backup with MathNet's managed dense matrix-matrix product (backup only);
///   naive    - one matrix-vector product (Bellman.qValues) per run per iteration (backup only).
/// Usage: dotnet PlanningBench.dll [--iterations N] [--mathnet-iterations N] [--naive-iterations N]
///        [--threads N]
module PlanningBench

open System
open System.Diagnostics
open MathNet.Numerics.LinearAlgebra
open Research.Tabular

let states, actions, seeds = 500, 8, 32
let cs = [ 0.05; 0.1; 0.2; 0.5; 1.0; 2.0; 5.0; infinity ]

let argValue (argv: string[]) (name: string) (fallback: int) =
    match Array.tryFindIndex ((=) name) argv with
    | Some i when i + 1 < argv.Length -> int argv.[i + 1]
    | _ -> fallback

[<EntryPoint>]
let main argv =
    let iterations = argValue argv "--iterations" 1000
    let mathnetIterations = argValue argv "--mathnet-iterations" 20
    let naiveIterations = argValue argv "--naive-iterations" 10
    let threads = argValue argv "--threads" Environment.ProcessorCount
    // Dense storage with full branching: every P[s,a,s'] is nonzero, so no sparsity to exploit.
    let mdp = Generators.garnet states actions states 0.9 0 true
    let runs = Experiment.grid cs seeds
    let runCount = runs.Length
    printfn "planning sweep: Garnet S=%d A=%d dense (branching %d), %d runs (%d seeds x %d c), gamma 0.9, Gaussian sigma=1, %d threads"
        states actions states runCount seeds cs.Length threads

    // Batched engine; time only the iterations (the exact v* solve happens before progress 0).
    let cfg = { Experiment.config mdp (Noise.Gaussian 1.0) runs iterations with Threads = threads }
    Experiment.run { cfg with Iterations = 5 } |> ignore // warm-up (JIT, tiered compilation)
    let watch = Stopwatch()
    let result = Experiment.runWithProgress (fun k -> if k = 0 then watch.Restart() elif k = iterations then watch.Stop()) cfg
    let batchedRate = float (runCount * iterations) / watch.Elapsed.TotalSeconds
    let finals = Experiment.summarise result
    printfn "batched: %d runs x %d iterations in %.2f s = %.0f run-iterations/s" runCount iterations watch.Elapsed.TotalSeconds batchedRate
    for s in finals do
        printfn "  c=%-6s mean final ||v-v*||inf = %.4f" (if Double.IsPositiveInfinity s.C then "inf" else string s.C) s.MeanFinalInf

    // MathNet managed provider: Q = P V as one dense matrix-matrix product per iteration.
    if mathnetIterations > 0 then
        let p = Matrix<float>.Build.Dense(states * actions, states, fun i n -> mdp.Probability(i / actions, i % actions, n))
        let v = Matrix<float>.Build.Dense(states, runCount, fun _ _ -> 1.0)
        let q = Matrix<float>.Build.Dense(states * actions, runCount)
        p.Multiply(v, q)
        let w = Stopwatch.StartNew()
        for _ in 1 .. mathnetIterations do
            p.Multiply(v, q)
        w.Stop()
        printfn "mathnet (backup only): %.0f run-iterations/s" (float (runCount * mathnetIterations) / w.Elapsed.TotalSeconds)

    // Naive: one matrix-vector product per run per iteration.
    if naiveIterations > 0 then
        let v = Array.create states 1.0
        let w = Stopwatch.StartNew()
        for _ in 1 .. naiveIterations do
            for _ in 1 .. runCount do
                Bellman.qValues mdp v |> ignore
        w.Stop()
        printfn "naive (backup only, 1 thread): %.0f run-iterations/s" (float (runCount * naiveIterations) / w.Elapsed.TotalSeconds)
    printfn "RESULT dotnet_batched_run_iterations_per_s=%.0f" batchedRate
    0
