module OptimizationTests

open System.IO
open Expecto
open TorchSharp
open Research.DeepAgents.Configuration
open Research.DeepAgents.Networks
open Research.DeepAgents.Optimization
open Research.DeepAgents.Parameters
open TorchTestSupport

type private Tensor = torch.Tensor

/// A 2 -> 1 linear layer flattened: parameters [w00, w01, b0].
let private tinyLinear (w: float32[]) =
    let layer = torch.nn.Linear(2L, 1L)
    let flat = new FlatParameters(layer)
    use _ = torch.no_grad()
    use src = torch.tensor(w)
    flat.Values.copy_(src) |> ignore
    layer, flat

let private setGrad (flat: FlatParameters) (g: float[]) =
    use src = torch.tensor(g |> Array.map float32)
    flat.Gradients.copy_(src) |> ignore

let private w0 = [| 0.5; -1.0; 0.25 |]
let private grads = [ [| 0.1; -0.2; 0.3 |]; [| -0.05; 0.4; 0.0 |]; [| 0.2; 0.1; -0.3 |] ]

/// Adam by hand, elementwise in float64.
let private adamByHand (tf: bool) lr b1 b2 eps =
    let w = Array.copy w0
    let m = Array.zeroCreate 3
    let v = Array.zeroCreate 3
    grads
    |> List.mapi (fun i g ->
        let t = float (i + 1)
        for k in 0 .. 2 do
            m.[k] <- b1 * m.[k] + (1.0 - b1) * g.[k]
            v.[k] <- b2 * v.[k] + (1.0 - b2) * g.[k] * g.[k]
            if tf then
                let lrT = lr * sqrt (1.0 - b2 ** t) / (1.0 - b1 ** t)
                w.[k] <- w.[k] - lrT * m.[k] / (sqrt v.[k] + eps)
            else
                let mHat = m.[k] / (1.0 - b1 ** t)
                let vHat = v.[k] / (1.0 - b2 ** t)
                w.[k] <- w.[k] - lr * mHat / (sqrt vHat + eps)
        Array.copy w)

/// Centred RMSProp by hand: TF1 (ms starts at 1, eps inside the sqrt, lr inside the momentum) or PyTorch.
let private rmsByHandC (centred: bool) (tf: bool) lr decay momentum eps =
    let w = Array.copy w0
    let ms = Array.create 3 (if tf then 1.0 else 0.0)
    let mg = Array.zeroCreate 3
    let mom = Array.zeroCreate 3
    grads
    |> List.map (fun g ->
        for k in 0 .. 2 do
            ms.[k] <- decay * ms.[k] + (1.0 - decay) * g.[k] * g.[k]
            if centred then mg.[k] <- decay * mg.[k] + (1.0 - decay) * g.[k]
            if tf then
                mom.[k] <- momentum * mom.[k] + lr * g.[k] / sqrt (ms.[k] - mg.[k] * mg.[k] + eps)
                w.[k] <- w.[k] - mom.[k]
            else
                mom.[k] <- momentum * mom.[k] + g.[k] / (sqrt (ms.[k] - mg.[k] * mg.[k]) + eps)
                w.[k] <- w.[k] - lr * mom.[k]
        Array.copy w)

let private rmsByHand tf lr decay momentum eps = rmsByHandC true tf lr decay momentum eps

let private runSteps (config: OptimizerConfig) =
    init ()
    let _, flat = tinyLinear (w0 |> Array.map float32)
    let opt = Optimizers.Create(config, flat)
    grads
    |> List.map (fun g ->
        setGrad flat g
        opt.Step()
        values flat.Values)
    , opt

let private checkAgainst name (expected: float[] list) (actual: float32[] list) =
    List.zip expected actual |> List.iteri (fun i (e, a) -> closeTo $"{name} step {i + 1}" 2e-6 e a)

/// Mlp forward written out with the functional API on plain leaf tensors (no flattening).
let private manualMlp (ps: Tensor list) (x: Tensor) =
    match ps with
    | [ w0; b0; w1; b1; w2; b2 ] ->
        let h0 = torch.nn.functional.relu (torch.nn.functional.linear (x.flatten 1, w0, b0))
        let h1 = torch.nn.functional.relu (torch.nn.functional.linear (h0, w1, b1))
        torch.nn.functional.linear (h1, w2, b2)
    | _ -> failwith "six tensors expected"

let private withWriter (stream: Stream) (f: BinaryWriter -> unit) =
    use w = new BinaryWriter(stream, System.Text.Encoding.UTF8, true)
    f w
    w.Flush()

let private withReader (stream: Stream) (f: BinaryReader -> unit) =
    use r = new BinaryReader(stream, System.Text.Encoding.UTF8, true)
    f r

[<Tests>]
let tests =
    testList "Optimization" [
        test "Adam, TensorFlow form (epsilon-hat), three steps against hand values" {
            let actual, opt = runSteps (AdamConfig(0.1, 0.9, 0.999, 1e-3, OptimizerForm.TensorFlow))
            checkAgainst "Adam TF" (adamByHand true 0.1 0.9 0.999 1e-3) actual
            Expect.equal opt.StepCount 3L "three steps"
        }
        test "Adam, PyTorch/optax form, three steps against hand values; the forms differ" {
            let actual, _ = runSteps (AdamConfig(0.1, 0.9, 0.999, 1e-3, OptimizerForm.PyTorch))
            checkAgainst "Adam PyTorch" (adamByHand false 0.1 0.9 0.999 1e-3) actual
            let tf = adamByHand true 0.1 0.9 0.999 1e-3
            let gap = abs ((List.last tf).[0] - float (List.last actual).[0])
            Expect.isGreaterThan gap 1e-4 "eps placement matters here"
        }
        test "centred RMSProp, TF1 form (ms starts at 1, eps inside sqrt), with and without momentum" {
            let actual, _ = runSteps (RmsPropConfig(0.01, 0.9, 0.0, 1e-2, true, OptimizerForm.TensorFlow))
            checkAgainst "RMSProp TF" (rmsByHand true 0.01 0.9 0.0 1e-2) actual
            let actualM, _ = runSteps (RmsPropConfig(0.01, 0.9, 0.5, 1e-2, true, OptimizerForm.TensorFlow))
            checkAgainst "RMSProp TF momentum" (rmsByHand true 0.01 0.9 0.5 1e-2) actualM
        }
        test "centred RMSProp, PyTorch form (ms starts at 0, eps outside sqrt), with and without momentum" {
            let actual, _ = runSteps (RmsPropConfig(0.01, 0.9, 0.0, 1e-2, true, OptimizerForm.PyTorch))
            checkAgainst "RMSProp PyTorch" (rmsByHand false 0.01 0.9 0.0 1e-2) actual
            let actualM, _ = runSteps (RmsPropConfig(0.01, 0.9, 0.5, 1e-2, true, OptimizerForm.PyTorch))
            checkAgainst "RMSProp PyTorch momentum" (rmsByHand false 0.01 0.9 0.5 1e-2) actualM
        }
        test "non-centred RMSProp in both forms against hand values" {
            let tf, _ = runSteps (RmsPropConfig(0.01, 0.9, 0.5, 1e-2, false, OptimizerForm.TensorFlow))
            checkAgainst "RMSProp TF non-centred" (rmsByHandC false true 0.01 0.9 0.5 1e-2) tf
            let pt, _ = runSteps (RmsPropConfig(0.01, 0.9, 0.0, 1e-2, false, OptimizerForm.PyTorch))
            checkAgainst "RMSProp PyTorch non-centred" (rmsByHandC false false 0.01 0.9 0.0 1e-2) pt
        }
        test "fused CPU kernels agree with the tensor-operation path for every optimizer variant" {
            init ()
            let configs : OptimizerConfig list =
                [ AdamConfig(1e-2, Epsilon = 1e-3, Form = OptimizerForm.TensorFlow)
                  AdamConfig(1e-2, Epsilon = 1e-3, Form = OptimizerForm.PyTorch)
                  for form in [ OptimizerForm.TensorFlow; OptimizerForm.PyTorch ] do
                      for centred in [ true; false ] do
                          for momentum in [ 0.0; 0.9 ] do
                              RmsPropConfig(1e-2, 0.95, momentum, 1e-3, centred, form) ]
            for config in configs do
                // 1003 elements: the SIMD loop and the scalar tail both run.
                let make () =
                    let layer = torch.nn.Linear(1000L, 1L)
                    let flat = new FlatParameters(layer)
                    use _ = torch.no_grad()
                    use g = new torch.Generator(3UL)
                    flat.Values.copy_(torch.randn([| 1001L |], generator = g)) |> ignore
                    layer, flat
                let _, a = make ()
                let _, b = make ()
                let fused = Optimizers.Create(config, a)
                let ops = Optimizers.Create(config, b, forceTensorOps = true)
                use gen = new torch.Generator(4UL)
                for step in 1 .. 4 do
                    use g = torch.randn([| 1001L |], generator = gen)
                    a.Gradients.copy_(g) |> ignore
                    b.Gradients.copy_(g) |> ignore
                    fused.Step()
                    ops.Step()
                    closeTo $"{config} step {step}" 1e-5 (values b.Values |> Array.map float) (values a.Values)
        }
        test "presets carry the published hyperparameters" {
            let d = OptimizerConfig.DopamineDqn
            Expect.equal (d.LearningRate, d.Decay, d.Momentum, d.Epsilon, d.Centered, d.Form) (2.5e-4, 0.95, 0.0, 1e-5, true, OptimizerForm.TensorFlow) "Dopamine DQN"
            let r = OptimizerConfig.MinAtarReferenceDqn
            Expect.equal (r.LearningRate, r.Decay, r.Epsilon, r.Centered, r.Form) (2.5e-4, 0.95, 0.01, true, OptimizerForm.PyTorch) "MinAtar reference"
            let a = OptimizerConfig.DopamineMinAtarDqn
            Expect.equal (a.LearningRate, a.Epsilon, a.Form) (2.5e-4, 3.125e-4, OptimizerForm.PyTorch) "Dopamine MinAtar"
            let rb = OptimizerConfig.DopamineRainbow
            Expect.equal (rb.LearningRate, rb.Epsilon, rb.Form) (6.25e-5, 1.5e-4, OptimizerForm.TensorFlow) "Dopamine Rainbow"
        }
        test "bad optimizer hyperparameters are rejected naming the field" {
            init ()
            let _, flat = tinyLinear [| 0.0f; 0.0f; 0.0f |]
            throwsWith [ "LearningRate = 0" ] (fun () -> Optimizers.Create(AdamConfig(0.0), flat) |> ignore)
            throwsWith [ "Beta2 = 1"; "[0, 1)" ] (fun () -> Optimizers.Create(AdamConfig(0.1, Beta2 = 1.0), flat) |> ignore)
            throwsWith [ "Decay = -0.1" ] (fun () -> Optimizers.Create(RmsPropConfig(0.1, Decay = -0.1), flat) |> ignore)
            throwsWith [ "Epsilon = NaN" ] (fun () -> Optimizers.Create(RmsPropConfig(0.1, Epsilon = nan), flat) |> ignore)
        }
        test "FlatParameters: gradients land in the flat buffer and a flat Adam step equals per-tensor Adam" {
            init ()
            use net = QNetworkFactory.Create(NetworkKind.Mlp, features 3, 2, 21L, hidden = [| 5; 4 |])
            // A plain twin: leaf tensors with the same values, never flattened.
            let twin = net.parameters() |> Seq.map (fun p -> p.detach().clone().requires_grad_(true)) |> List.ofSeq
            let opt = Optimizers.Create(AdamConfig(0.01, Form = OptimizerForm.PyTorch), net)
            let m = twin |> List.map (fun p -> torch.zeros_like(p))
            let v = twin |> List.map (fun p -> torch.zeros_like(p))
            let gen = new torch.Generator(7UL)
            for step in 1 .. 3 do
                use x = torch.randn([| 8L; 1L; 1L; 3L |], generator = gen)
                opt.ZeroGrad()
                use loss = net.forward(x).square().mean()
                loss.backward()
                for p in twin do
                    match p.grad with
                    | null -> ()
                    | g -> g.zero_() |> ignore
                use twinLoss = (manualMlp twin x).square().mean()
                twinLoss.backward()
                let flatGrads = values net.Flat.Gradients
                let twinGrads = twin |> List.map (gradOf >> values) |> Array.concat
                closeTo $"step {step}: flat gradient = per-tensor gradient" 1e-6 (twinGrads |> Array.map float) flatGrads
                opt.Step()
                use _ = torch.no_grad()
                let c1 = 1.0 - 0.9 ** float step
                let c2 = 1.0 - 0.999 ** float step
                List.zip3 twin m v
                |> List.iter (fun (p, m, v) ->
                    let g = gradOf p
                    m.mul_(sc 0.9).add_(g, sc 0.1) |> ignore
                    v.mul_(sc 0.999).addcmul_(g, g, sc 0.001) |> ignore
                    use denom = v.div(sc c2).sqrt().add(sc 1e-8)
                    p.sub_(m.div(sc c1).div(denom).mul(sc 0.01)) |> ignore)
                let twinValues = twin |> List.map values |> Array.concat
                closeTo $"step {step}: flat Adam = per-tensor Adam" 1e-6 (twinValues |> Array.map float) (values net.Flat.Values)
        }
        test "FlatParameters repairs gradients dropped by module.zero_grad()" {
            init ()
            use net = QNetworkFactory.Create(NetworkKind.Mlp, features 3, 2, 22L, hidden = [| 4 |])
            net.zero_grad()  // set_to_none: the parameters lose their flat gradient views
            use x = torch.ones([| 2L; 1L; 1L; 3L |])
            use loss = net.forward(x).sum()
            loss.backward()
            net.Flat.EnsureGradientsBound()
            let perTensor = net.parameters() |> Seq.map (fun p -> values (gradOf p)) |> Array.concat
            Expect.isTrue (bitEqual perTensor (values net.Flat.Gradients)) "flat gradients hold the new gradient"
            Expect.isTrue (perTensor |> Array.exists (fun g -> g <> 0.0f)) "non-trivial gradient"
        }
        test "Huber loss against hand values (delta 1 and 2) and its gradient clip(x, -delta, delta)" {
            init ()
            let xs = [| -3.0f; -1.0f; -0.5f; 0.0f; 0.5f; 1.0f; 2.5f |]
            use x = torch.tensor(xs).requires_grad_(true)
            use h1 = Losses.Huber(x, 1.0)
            Expect.equal (values h1) [| 2.5f; 0.5f; 0.125f; 0.0f; 0.125f; 0.5f; 2.0f |] "delta 1"
            use h2 = Losses.Huber(x, 2.0)
            Expect.equal (values h2) [| 4.0f; 0.5f; 0.125f; 0.0f; 0.125f; 0.5f; 3.0f |] "delta 2"
            use s = h1.sum()
            s.backward()
            Expect.equal (values (gradOf x)) [| -1.0f; -1.0f; -0.5f; 0.0f; 0.5f; 1.0f; 1.0f |] "gradient"
            use p = torch.tensor([| 1.0f; 4.0f |])
            use t = torch.tensor([| 0.5f; 1.0f |])
            use mean = Losses.HuberMean(p, t)
            Expect.equal (mean.item<float32>()) ((0.125f + 2.5f) / 2.0f) "mean of 0.125 and 2.5"
            throwsWith [ "delta = 0" ] (fun () -> Losses.Huber(x, 0.0) |> ignore)
        }
        test "norm difference of consecutive targets: global and per-parameter against hand values" {
            init ()
            use layer = torch.nn.Linear(2L, 2L)
            let setTo (w: float32[]) (b: float32[]) =
                use _ = torch.no_grad()
                use wt = torch.tensor(w).reshape(2L, 2L)
                use bt = torch.tensor(b)
                layer.weight.copy_(wt) |> ignore
                (nonNull layer.bias).copy_(bt) |> ignore
            setTo [| 1.0f; 2.0f; 3.0f; 4.0f |] [| 0.0f; 0.0f |]
            use previous = ParameterSnapshot.Take layer
            setTo [| 4.0f; 2.0f; 3.0f; 8.0f |] [| 12.0f; 0.0f |]
            let d = TargetNorms.Difference(previous, layer)
            Expect.equal d.Global 13.0 "sqrt(3^2 + 4^2 + 12^2)"
            Expect.equal (List.ofSeq d.PerParameter) [ struct ("weight", 5.0); struct ("bias", 12.0) ] "per parameter"
            use current = ParameterSnapshot.Take layer
            setTo [| 0.0f; 0.0f; 0.0f; 0.0f |] [| 0.0f; 0.0f |]  // snapshots are copies
            Expect.equal (TargetNorms.Difference(previous, current).Global) 13.0 "snapshot to snapshot"
            Expect.equal (TargetNorms.Difference(current, current).Global) 0.0 "no change"
        }
        test "checkpoint round trip of network and optimizer state is exact" {
            init ()
            let spec = NetworkSpec(NetworkKind.DopamineMinAtar, minAtar 3, 4)
            let train (net: QNetwork) (opt: IOptimizer) (gen: torch.Generator) steps =
                for _ in 1 .. steps do
                    use x = torch.rand([| 4L; 3L; 10L; 10L |], generator = gen)
                    opt.ZeroGrad()
                    use loss = net.forward(x).square().mean()
                    loss.backward()
                    opt.Step()
            for config in [ AdamConfig(1e-3) :> OptimizerConfig; OptimizerConfig.DopamineDqn; RmsPropConfig(1e-3, Momentum = 0.9, Form = OptimizerForm.PyTorch) ] do
                use a = QNetworkFactory.Create(spec, 1L)
                let optA = Optimizers.Create(config, a)
                train a optA (new torch.Generator(5UL)) 3
                use stream = new MemoryStream()
                withWriter stream (fun w -> Checkpoints.Save(a, optA, w))
                stream.Position <- 0L
                use b = QNetworkFactory.Create(spec, 2L)
                let optB = Optimizers.Create(config, b)
                withReader stream (fun r -> Checkpoints.Load(b, optB, r))
                Expect.isTrue (bitEqual (values a.Flat.Values) (values b.Flat.Values)) $"{config}: parameters"
                Expect.equal optB.StepCount optA.StepCount "step count"
                // The next update must agree bit for bit (moments restored, flat buffers still bound).
                train a optA (new torch.Generator(9UL)) 1
                train b optB (new torch.Generator(9UL)) 1
                Expect.isTrue (bitEqual (values a.Flat.Values) (values b.Flat.Values)) $"{config}: one more step"
        }
        test "optimizer state of another kind is refused" {
            init ()
            use net = QNetworkFactory.Create(NetworkKind.Mlp, features 2, 2, 1L)
            let adam = Optimizers.Create(AdamConfig(1e-3), net)
            let rms = Optimizers.Create(OptimizerConfig.DopamineDqn, net)
            use stream = new MemoryStream()
            withWriter stream adam.Save
            stream.Position <- 0L
            use r = new BinaryReader(stream)
            let mutable message = ""
            Expect.throwsC (fun () -> rms.Load r) (fun e -> message <- e.Message)
            Expect.stringContains message "'adam'" "names the stored kind"
        }
    ]
