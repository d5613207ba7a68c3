/// The hand-derived DQN update (update-kernel = fused) against autograd, its kernels against naive
/// references, and the proximal pull folded into the optimizer pass.
module FusedUpdateTests

open System
open Expecto
open TorchSharp
open Research.DeepAgents.Agents
open Research.DeepAgents.Environments
open Research.DeepAgents.Networks
open Research.DeepAgents.Networks.Backprop
open Research.DeepAgents.Optimization
open Research.DeepAgents.Replay
open Research.DeepAgents.Training
open TorchTestSupport

/// `count` observations: sparse 0/1 cells (MinAtar-like, density 0.1), or dense values in [-1, 1).
let private observations (rng: Random) count size dense =
    Array.init (count * size) (fun _ ->
        if dense then float32 (rng.NextDouble() * 2.0 - 1.0)
        elif rng.NextDouble() < 0.1 then 1.0f
        else 0.0f)

let private shapeOf (spec: ObservationSpec) count = [| int64 count; int64 spec.Channels; int64 spec.Height; int64 spec.Width |]

/// Q-values of the network's own (autograd module) forward.
let private moduleQ (net: QNetwork) count (x: float32[]) =
    use _ = torch.no_grad()
    use input = tensorOf (shapeOf net.Observation count) x
    use q = net.forward input
    values q

let private cases =
    [ "MinAtar reference net, 4 channels", NetworkKind.MinAtarReference, minAtar 4
      "MinAtar reference net, 10 channels", NetworkKind.MinAtarReference, minAtar 10
      "Dopamine MinAtar net, 7 channels", NetworkKind.DopamineMinAtar, minAtar 7
      "MLP, 4 features", NetworkKind.Mlp, features 4 ]

/// A replay batch with rewards in [-3, 3] (so some TD errors exceed the Huber threshold) and some terminals.
let private randomBatch (rng: Random) (spec: ObservationSpec) size actions =
    let b = ReplayBatch(size, spec.Size)
    let dense = spec.Kind = ObservationKind.Features
    observations rng size spec.Size dense |> Array.blit <| 0 <| b.Observations <| 0 <| b.Observations.Length
    observations rng size spec.Size dense |> Array.blit <| 0 <| b.NextObservations <| 0 <| b.NextObservations.Length
    for i in 0 .. size - 1 do
        b.Actions.[i] <- int64 (rng.Next actions)
        b.Rewards.[i] <- float32 (rng.NextDouble() * 6.0 - 3.0)
        b.Terminals.[i] <- if i % 5 = 0 then 1.0f else 0.0f
    b

/// Loss, mean Q, TD errors and flat gradient of DqnAgent's autograd path on the same batch.
let private autogradUpdate (online: QNetwork) (target: QNetwork) (b: ReplayBatch) gamma delta nu =
    use scope = torch.NewDisposeScope()
    online.Flat.ZeroGrad()
    let shape = shapeOf online.Observation b.Size
    let states, next = tensorOf shape b.Observations, tensorOf shape b.NextObservations
    let q = online.forward(states).gather(1L, torch.tensor(b.Actions).unsqueeze(1L)).squeeze(1L)
    let y =
        use _ = torch.no_grad()
        TdTargets.Dqn(torch.tensor(b.Rewards), torch.tensor(b.Terminals), target.forward next, gamma)
    let mutable loss = Losses.HuberMean(q, y, delta)
    if nu > 0.0 then
        use pull = new ProximalPull(online, target, infinity, 1e-3)
        loss <- loss + pull.PenaltyLoss nu
    loss.backward()
    float (loss.item<float32> ()), float (q.mean().item<float32> ()), Array.map2 (-) (values q) (values y), values online.Flat.Gradients

let private segmentsOf (net: QNetwork) (flat: float32[]) =
    [ for s in net.Flat.Segments -> s.Name, flat.[int s.Offset .. int (s.Offset + s.Count) - 1] ]

/// Naive 3x3 stride-1 convolution (PyTorch cross-correlation) + ReLU, NCHW flatten, in double precision.
let private naiveConv (s: ConvStage) (x: float32[]) (w: float32[]) (bias: float32[]) =
    Array.init s.Features (fun i ->
        let f, q = i / s.Positions, i % s.Positions
        let oy, ox = q / s.OutWidth, q % s.OutWidth
        let mutable z = float bias.[f]
        for c in 0 .. s.Channels - 1 do
            for ky in 0 .. 2 do
                for kx in 0 .. 2 do
                    let y, xx = oy + ky - s.Padding, ox + kx - s.Padding
                    if y >= 0 && y < s.Height && xx >= 0 && xx < s.Width then
                        z <- z + float w.[((f * s.Channels + c) * 3 + ky) * 3 + kx] * float x.[(c * s.Height + y) * s.Width + xx]
        max z 0.0)

let private stage channels filters height width padding =
    let wCount = int64 (filters * channels * 9)
    ConvStage(channels, filters, height, width, padding,
              ParameterSegment("w", [| int64 filters; int64 channels; 3L; 3L |], 0L, wCount),
              ParameterSegment("b", [| int64 filters |], wCount, int64 filters))

/// An optimizer seen only through IOptimizer: ProximalOptimizer cannot fuse the pull into it.
let private opaque (inner: IOptimizer) =
    { new IOptimizer with
        member _.LearningRate = inner.LearningRate
        member _.StepCount = inner.StepCount
        member _.Step() = inner.Step()
        member _.ZeroGrad() = inner.ZeroGrad()
        member _.Save w = inner.Save w
        member _.Load r = inner.Load r }

[<Tests>]
let tests =
    testList "FusedUpdate" [
        test "VectorOps.Transpose equals the naive transpose (8x8 AVX blocks and scalar edges, with and without ReLU)" {
            let rng = Random 5
            for rows in [ 1; 3; 8; 9; 16; 17; 64 ] do
                for cols in [ 1; 7; 8; 16; 23; 36 ] do
                    for relu in [ false; true ] do
                        let source = Array.init (rows * cols) (fun _ -> float32 (rng.NextDouble() - 0.5))
                        let destination = Array.create (rows * cols) nanf
                        VectorOps.Transpose(ReadOnlySpan source, Span destination, rows, cols, relu)
                        let expected = Array.init (rows * cols) (fun i -> let v = source.[(i % rows) * cols + i / rows] in if relu then max v 0.0f else v)
                        Expect.isTrue (bitEqual expected destination) $"{rows}x{cols}, relu {relu}"
        }

        test "the sparse 3x3 convolution equals a naive convolution, and its weight gradient a naive one (valid and same, any filter count)" {
            let rng = Random 11
            for (channels, filters, height, width, padding) in [ 4, 16, 10, 10, 0; 3, 5, 5, 7, 1; 2, 16, 3, 3, 0; 10, 16, 10, 10, 1; 1, 9, 4, 6, 1 ] do
                let s = stage channels filters height width padding
                let batch = 3
                for dense in [ false; true ] do
                    let x = observations rng batch s.InputSize dense
                    let w = Array.init (filters * channels * 9) (fun _ -> float32 (rng.NextDouble() - 0.5))
                    let bias = Array.init filters (fun _ -> float32 (rng.NextDouble() - 0.5))
                    let output = Array.create (batch * s.Features) nanf
                    let scratch = Array.zeroCreate<float32> (SparseConv3x3.ScratchSize s)
                    SparseConv3x3.Forward(s, batch, ReadOnlySpan x, ReadOnlySpan w, ReadOnlySpan bias, Span output, Span scratch)
                    let expected = Array.concat [ for b in 0 .. batch - 1 -> naiveConv s x.[b * s.InputSize .. (b + 1) * s.InputSize - 1] w bias ]
                    let label = $"C{channels} O{filters} {height}x{width} pad {padding} dense {dense}"
                    closeTo (label + " forward") 1e-5 expected output
                    // Weight gradient of L = sum(g * z) for a random upstream g: dW[f, c, ky, kx]
                    // = sum g[b, f, q] x[b, c, q + k - pad].
                    let g = Array.init (batch * s.Features) (fun _ -> float32 (rng.NextDouble() - 0.5))
                    let dW, db = Array.create w.Length nanf, Array.create filters nanf
                    SparseConv3x3.WeightGradient(s, batch, ReadOnlySpan x, ReadOnlySpan g, Span dW, Span db, Span scratch)
                    let expectedDW =
                        Array.init w.Length (fun i ->
                            let f, rest = i / (channels * 9), i % (channels * 9)
                            let c, ky, kx = rest / 9, rest % 9 / 3, rest % 3
                            seq {
                                for b in 0 .. batch - 1 do
                                    for q in 0 .. s.Positions - 1 do
                                        let y, xx = q / s.OutWidth + ky - padding, q % s.OutWidth + kx - padding
                                        if y >= 0 && y < height && xx >= 0 && xx < width then
                                            yield float g.[b * s.Features + f * s.Positions + q] * float x.[b * s.InputSize + (c * height + y) * width + xx] }
                            |> Seq.sum)
                    let expectedDb = Array.init filters (fun f -> seq { for b in 0 .. batch - 1 do for q in 0 .. s.Positions - 1 -> float g.[b * s.Features + f * s.Positions + q] } |> Seq.sum)
                    closeTo (label + " dW") 1e-5 expectedDW dW
                    closeTo (label + " db") 1e-5 expectedDb db
        }

        test "FeedForward.Forward equals the network's own forward (batches 1 and 32, sparse and dense inputs)" {
            init ()
            let rng = Random 3
            for (name, kind, spec) in cases do
                use net = QNetworkFactory.Create(kind, spec, 6, 7L)
                let plan =
                    match LayerPlan.For net with
                    | null -> failwith $"{name}: no layer plan"
                    | p -> p
                for batch in [ 1; 32 ] do
                    use ff = new FeedForward(plan, net.Flat, batch)
                    for dense in [ false; true ] do
                        let x = observations rng batch spec.Size dense
                        let q = ff.Forward(ReadOnlySpan x).ToArray()
                        closeTo $"{name}, batch {batch}, dense {dense}" 1e-5 (moduleQ net batch x |> Array.map float) q
        }

        test "loss, mean Q and every parameter's gradient (weights and biases) equal autograd's, with Huber clipping, terminals and the nu term" {
            init ()
            let rng = Random 9
            for (name, kind, spec) in cases do
                for nu in [ 0.0; 0.5 ] do
                    use online = QNetworkFactory.Create(kind, spec, 6, 21L)
                    use target = QNetworkFactory.CreateIndependentTarget(online, 22L)
                    use fused = new FusedDqnUpdate(online, target, 32)
                    let b = randomBatch rng spec 32 6
                    let loss, meanQ, errors, expected = autogradUpdate online target b 0.99 1.0 nu
                    let clipped = errors |> Array.filter (fun e -> abs e > 1.0f) |> Array.length
                    Expect.isTrue (clipped > 0 && clipped < 32) $"{name}: both Huber branches are exercised ({clipped} of 32 clipped)"
                    // the fused path overwrites: no zeroing needed
                    online.Flat.Gradients.fill_(sc nan) |> ignore
                    let struct (fusedLoss, fusedMeanQ) = fused.LossAndGradient(b, 0.99, 1.0, nu)
                    Expect.floatClose { absolute = 1e-5; relative = 1e-5 } (float fusedLoss) loss $"{name}, nu {nu}: loss"
                    Expect.floatClose { absolute = 1e-5; relative = 1e-5 } (float fusedMeanQ) meanQ $"{name}, nu {nu}: mean Q"
                    let actual = values online.Flat.Gradients
                    for (segment, e), (_, a) in List.zip (segmentsOf online expected) (segmentsOf online actual) do
                        Expect.isTrue (e |> Array.exists (fun v -> v <> 0.0f)) $"{name}, nu {nu}: {segment} has a nonzero gradient"
                        closeTo $"{name}, nu {nu}: d loss / d {segment}" 1e-5 (Array.map float e) a
        }

        test "the fused greedy action is the argmax of the network's Q-values" {
            init ()
            let rng = Random 4
            for (name, kind, spec) in cases do
                use online = QNetworkFactory.Create(kind, spec, 6, 5L)
                use target = QNetworkFactory.CreateTarget online
                use fused = new FusedDqnUpdate(online, target, 4)
                for _ in 1 .. 50 do
                    let x = observations rng 1 spec.Size (spec.Kind = ObservationKind.Features)
                    let q = moduleQ online 1 x
                    Expect.equal (fused.GreedyAction(ReadOnlySpan x)) (Array.findIndex ((=) (Array.max q)) q) name
        }

        test "the pull folded into the optimizer pass gives the same bits as pull, then step (Adam and RMSProp, both forms)" {
            init ()
            let configs: OptimizerConfig list =
                [ AdamConfig(1e-3, 0.9, 0.999, 1e-6, OptimizerForm.PyTorch)
                  AdamConfig(1e-3, 0.9, 0.999, 3.125e-4, OptimizerForm.TensorFlow)
                  RmsPropConfig(1e-3, 0.95, 0.0, 0.01, true, OptimizerForm.TensorFlow)
                  RmsPropConfig(1e-3, 0.95, 0.9, 0.01, false, OptimizerForm.PyTorch) ]
            for config in configs do
                let build () =
                    let online = QNetworkFactory.Create(NetworkKind.MinAtarReference, minAtar 4, 6, 31L)
                    let target = QNetworkFactory.CreateIndependentTarget(online, 32L)
                    online, target, new ProximalPull(online, target, 0.01, 1e-3), Optimizers.Create(config, online)
                let onlineA, targetA, pullA, innerA = build ()
                let onlineB, targetB, pullB, innerB = build ()
                let fusedPro = ProximalOptimizer(innerA, pullA)
                let plainPro = ProximalOptimizer(opaque innerB, pullB)
                Expect.isTrue fusedPro.FusesPull $"{config}: the fused pass is used"
                Expect.isFalse plainPro.FusesPull $"{config}: the reference pulls, then steps"
                let rng = Random 2
                for _ in 1 .. 5 do
                    let g = Array.init (int onlineA.ParameterCount) (fun _ -> float32 (rng.NextDouble() - 0.5) * 0.1f)
                    use gt = torch.tensor g
                    onlineA.Flat.Gradients.copy_ gt |> ignore
                    onlineB.Flat.Gradients.copy_ gt |> ignore
                    fusedPro.Step()
                    plainPro.Step()
                Expect.isTrue (bitEqual (values onlineA.Flat.Values) (values onlineB.Flat.Values)) $"{config}: identical parameters after 5 steps"
                Expect.isFalse (bitEqual (values onlineA.Flat.Values) (values targetA.Flat.Values)) $"{config}: (w is not simply theta)"
                Expect.isTrue (bitEqual (values targetA.Flat.Values) (values targetB.Flat.Values)) $"{config}: targets untouched alike"
                for d in [ box innerA; box innerB; box pullA; box pullB; box onlineA; box onlineB; box targetA; box targetB ] do
                    match d with
                    | :? IDisposable as x -> x.Dispose()
                    | _ -> ()
        }

        test "update-kernel: auto resolves to fused where the kernels apply, and fused is refused elsewhere with the reason" {
            let spec kind observation = NetworkSpec(kind, observation, 6)
            Expect.equal (DqnAgent.ResolveKernel(UpdateKernel.Auto, spec NetworkKind.MinAtarReference (minAtar 4))) UpdateKernel.Fused "MinAtar reference"
            Expect.equal (DqnAgent.ResolveKernel(UpdateKernel.Auto, spec NetworkKind.DopamineMinAtar (minAtar 4))) UpdateKernel.Fused "Dopamine MinAtar"
            Expect.equal (DqnAgent.ResolveKernel(UpdateKernel.Auto, spec NetworkKind.Mlp (features 4))) UpdateKernel.Fused "MLP"
            Expect.equal (DqnAgent.ResolveKernel(UpdateKernel.Auto, spec NetworkKind.NatureCnn atari)) UpdateKernel.Autograd "Nature CNN"
            Expect.equal (DqnAgent.ResolveKernel(UpdateKernel.Autograd, spec NetworkKind.MinAtarReference (minAtar 4))) UpdateKernel.Autograd "autograd on request"
            throwsWith [ "update-kernel"; "'fused'"; "NatureCnn" ] (fun () -> DqnAgent.ResolveKernel(UpdateKernel.Fused, spec NetworkKind.NatureCnn atari) |> ignore)
            throwsWith [ "update-kernel"; "rainbow" ] (fun () ->
                ConfigValidation.Validate(TrainingTestSupport.configWith Presets.MinAtarDopamineRainbow [ "UpdateKernel", box "fused" ]) |> ignore)
            Expect.equal (RunDirectory.AsRecorded(TrainingTestSupport.configWith Presets.MinAtarReference [])).UpdateKernel UpdateKernel.Autograd
                "a stored auto predates the kernels: it ran with autograd"
            let planned = TrainingTestSupport.configWith Presets.MinAtarReference [ "TotalSteps", box 5000L ]
            let kernel k = TrainingTestSupport.configWith planned [ "UpdateKernel", box k; "TotalSteps", box 2000L ]
            Expect.isTrue (RunDirectory.SameRun(kernel "fused", planned)) "a planned auto matches the resolved fused run"
            Expect.isTrue (RunDirectory.SameRun(kernel "autograd", planned)) "... and an autograd run"
            Expect.isFalse (RunDirectory.SameRun(kernel "autograd", kernel "fused")) "an explicit kernel must match"
            Expect.isFalse (RunDirectory.SameRun(TrainingTestSupport.configWith planned [ "Seed", box 9L ], planned)) "other keys must match"
        }

        test "a run records its resolved update kernel in config.json" {
            for requested, recorded in [ "auto", UpdateKernel.Fused; "autograd", UpdateKernel.Autograd ] do
                let dir = IO.Path.Combine(IO.Path.GetTempPath(), "prox-tests", "kernel-" + Guid.NewGuid().ToString("N").Substring(0, 8))
                let config = TrainingTestSupport.configWith Presets.CartPole [ "UpdateKernel", box requested; "TotalSteps", box 100L; "TensorBoard", box false ]
                (Trainer.Start(config, dir) :> IDisposable).Dispose()
                let stored, _ = RunDirectory(dir).ReadConfig().ToTuple()
                Expect.equal stored.UpdateKernel recorded $"requested {requested}"
                TrainingTestSupport.deleteRuns [ dir ]
        }
    ]
