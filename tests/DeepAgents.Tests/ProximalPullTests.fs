module ProximalPullTests

open Expecto
open TorchSharp
open Research.DeepAgents.Networks
open Research.DeepAgents.Optimization
open TorchTestSupport

/// Dyadic values (multiples of 1/4 and 1/2) so that 0.75 w + 0.25 theta is exact in float32.
let private dyadicOnline n = Array.init n (fun i -> float32 (i % 7 - 3) / 4.0f)
let private dyadicTarget n = Array.init n (fun i -> float32 (i % 5 - 2) / 2.0f)

let private load (t: torch.Tensor) (xs: float32[]) =
    use _ = torch.no_grad()
    use src = torch.tensor(xs).reshape(t.shape)
    t.copy_(src) |> ignore

/// Every named parameter of the online network equals (1 - mu) w + mu theta, bit for bit.
let private checkPulled (online: torch.nn.Module) (before: (string * float32[]) list) (targetValues: (string * float32[]) list) mu =
    let after = online.named_parameters() |> Seq.map (fun struct (n, p) -> n, values p) |> List.ofSeq
    Expect.equal (after |> List.map fst) (before |> List.map fst) "same parameters"
    for (name, w), (_, theta), (_, pulled) in List.zip3 before targetValues after do
        let expected = Array.map2 (fun (w: float32) (t: float32) -> float32 ((1.0 - mu) * float w + mu * float t)) w theta
        Expect.isTrue (bitEqual expected pulled) $"{name}: w <- (1 - mu) w + mu theta"

let private snapshot (m: torch.nn.Module) = m.named_parameters() |> Seq.map (fun struct (n, p) -> n, values p) |> List.ofSeq

[<Tests>]
let tests =
    testList "ProximalPull" [
        test "mu = learningRate / cTilde; cTilde = infinity gives mu = 0 exactly" {
            Expect.equal (ProximalPull.ComputeMu(0.2, 2.5e-4)) (2.5e-4 / 0.2) "DQN Pro"
            Expect.equal (ProximalPull.ComputeMu(0.05, 6.25e-5)) 1.25e-3 "Rainbow Pro: 6.25e-5 / 0.05"
            Expect.equal (ProximalPull.ComputeMu(infinity, 2.5e-4)) 0.0 "plain DQN"
            Expect.equal (ProximalPull.ComputeMu(1e-3, 1e-3)) 1.0 "mu = 1 is allowed"
        }
        test "invalid cTilde is rejected naming cTilde, its value, the learning rate and the range" {
            throwsWith [ "cTilde = 1E-05"; "learning rate 0.0001"; "0 < mu <= 1" ] (fun () -> ProximalPull.ComputeMu(1e-5, 1e-4) |> ignore)
            throwsWith [ "cTilde = 0"; "0 < mu <= 1" ] (fun () -> ProximalPull.ComputeMu(0.0, 1e-4) |> ignore)
            throwsWith [ "cTilde = -1"; "0 < mu <= 1" ] (fun () -> ProximalPull.ComputeMu(-1.0, 1e-4) |> ignore)
            throwsWith [ "cTilde = NaN" ] (fun () -> ProximalPull.ComputeMu(nan, 1e-4) |> ignore)
            throwsWith [ "cTilde = -Infinity" ] (fun () -> ProximalPull.ComputeMu(-infinity, 1e-4) |> ignore)
            throwsWith [ "learningRate = 0" ] (fun () -> ProximalPull.ComputeMu(0.2, 0.0) |> ignore)
            init ()
            use a = QNetworkFactory.Create(NetworkKind.Mlp, features 2, 2, 1L)
            use b = QNetworkFactory.CreateTarget a
            throwsWith [ "cTilde = 1E-05" ] (fun () -> new ProximalPull(a, b, 1e-5, 1e-4) |> ignore)
        }
        test "Apply pulls every tensor (weights and biases) exactly; the target is unchanged (flat path)" {
            init ()
            use online = QNetworkFactory.Create(NetworkKind.Mlp, features 3, 2, 1L, hidden = [| 4 |])
            use target = QNetworkFactory.CreateTarget online
            load online.Flat.Values (dyadicOnline (int online.ParameterCount))
            load target.Flat.Values (dyadicTarget (int target.ParameterCount))
            let before, thetas = snapshot online, snapshot target
            use pull = new ProximalPull(online, target, 2.0, 0.5)  // mu = 0.25
            Expect.equal pull.Mu 0.25 "mu"
            pull.Apply()
            checkPulled online before thetas 0.25
            Expect.equal (snapshot target) thetas "target untouched"
            Expect.equal (online.named_parameters() |> Seq.length) 4 "two weights and two biases were checked"
        }
        test "Apply on arbitrary modules (per-tensor path) gives the same exact pull" {
            init ()
            use online = torch.nn.Linear(3L, 2L)
            use target = torch.nn.Linear(3L, 2L)
            for struct (_, p) in online.named_parameters() do load p (dyadicOnline (int (p.numel())))
            for struct (_, p) in target.named_parameters() do load p (dyadicTarget (int (p.numel())))
            let before, thetas = snapshot online, snapshot target
            use pull = new ProximalPull(online, target, 2.0, 0.5)
            pull.Apply()
            checkPulled online before thetas 0.25
            Expect.equal (snapshot target) thetas "target untouched"
        }
        test "ProximalOptimizer: pull first, then the step with the gradient taken at the un-pulled w (TF RMSProp, hand values)" {
            init ()
            use online = torch.nn.Linear(2L, 1L)
            use target = torch.nn.Linear(2L, 1L)
            let flat = new FlatParameters(online)
            let w0 = [| 0.5f; -1.0f; 0.25f |]
            let theta = [| 1.0f; 0.0f; -0.5f |]
            let g = [| 0.1f; -0.2f; 0.3f |]
            load flat.Values w0
            for struct (n, p) in target.named_parameters() do
                load p (if n = "weight" then theta.[0..1] else theta.[2..2])
            let lr, cTilde, decay, eps = 0.1, 0.4, 0.9, 1e-2
            let inner = Optimizers.Create(RmsPropConfig(lr, decay, 0.0, eps, true, OptimizerForm.TensorFlow), flat)
            let pro = ProximalOptimizer(inner, new ProximalPull(online, target, cTilde, lr))
            load flat.Gradients g
            pro.Step()
            let mu = lr / cTilde
            let expected =
                Array.init 3 (fun k ->
                    let g = float g.[k]
                    let ms = decay + (1.0 - decay) * g * g
                    let mg = (1.0 - decay) * g
                    (1.0 - mu) * float w0.[k] + mu * float theta.[k] - lr * g / sqrt (ms - mg * mg + eps))
            closeTo "w1" 1e-6 expected (values flat.Values)
            Expect.equal pro.StepCount 1L "inner step count"
            Expect.equal pro.LearningRate lr "inner learning rate"
        }
        test "cTilde = infinity: DQN Pro is bit-identical to DQN after several updates; finite cTilde is not" {
            init ()
            let spec = NetworkSpec(NetworkKind.MinAtarReference, minAtar 4, 6)
            let run (makeOptimizer: QNetwork -> QNetwork -> IOptimizer) =
                use online = QNetworkFactory.Create(spec, 3L)
                // theta <> w, so any pull would show
                use target = QNetworkFactory.CreateIndependentTarget(online, 4L)
                let opt = makeOptimizer online target
                let gen = new torch.Generator(17UL)
                for _ in 1 .. 5 do
                    use scope = torch.NewDisposeScope()
                    let x = torch.rand([| 32L; 4L; 10L; 10L |], generator = gen)
                    let y = torch.randn([| 32L; 6L |], generator = gen)
                    opt.ZeroGrad()
                    let loss = Losses.HuberMean(online.forward x, y)
                    loss.backward()
                    opt.Step()
                values online.Flat.Values
            let lr = 2.5e-4
            let plain = run (fun online _ -> Optimizers.Create(OptimizerConfig.MinAtarReferenceDqn, online))
            let proInfinity =
                run (fun online target ->
                    ProximalOptimizer(Optimizers.Create(OptimizerConfig.MinAtarReferenceDqn, online), new ProximalPull(online, target, infinity, lr)))
            let pro =
                run (fun online target ->
                    ProximalOptimizer(Optimizers.Create(OptimizerConfig.MinAtarReferenceDqn, online), new ProximalPull(online, target, 0.2, lr)))
            Expect.isTrue (bitEqual plain proInfinity) "c~ = infinity: identical bits"
            Expect.isFalse (bitEqual plain pro) "c~ = 0.2 changes the weights"
        }
        test "the learning rates of pull and optimizer must agree" {
            init ()
            use a = QNetworkFactory.Create(NetworkKind.Mlp, features 2, 2, 1L)
            use b = QNetworkFactory.CreateTarget a
            let inner = Optimizers.Create(AdamConfig(1e-3), a)
            throwsWith [ "0.01"; "0.001" ] (fun () -> ProximalOptimizer(inner, new ProximalPull(a, b, 1.0, 1e-2)) |> ignore)
        }
        test "nu variant: 0.5 nu ||w - theta||^2 with gradient nu (w - theta)" {
            init ()
            use online = torch.nn.Linear(2L, 1L)
            use target = torch.nn.Linear(2L, 1L)
            for struct (_, p) in online.named_parameters() do load p (Array.create (int (p.numel())) 1.0f)
            for struct (_, p) in target.named_parameters() do load p (Array.create (int (p.numel())) 3.0f)
            use pull = new ProximalPull(online, target, infinity, 0.1)
            use penalty = pull.PenaltyLoss 0.5
            Expect.equal (penalty.item<float32>()) (0.5f * 0.5f * 3.0f * 4.0f) "0.5 * nu * 3 * (1 - 3)^2"
            penalty.backward()
            for struct (n, p) in online.named_parameters() do
                Expect.isTrue (values (gradOf p) |> Array.forall ((=) -1.0f)) $"{n}: nu (w - theta) = -1"
            for struct (n, p) in target.named_parameters() do
                Expect.isTrue (isNull p.grad) $"{n}: no gradient into the target"
        }
        test "hard copy theta <- w keeps the flat buffers bound" {
            init ()
            use online = QNetworkFactory.Create(NetworkKind.DopamineMinAtar, minAtar 2, 3, 1L)
            use target = QNetworkFactory.CreateIndependentTarget(online, 2L)
            TargetNetwork.HardCopy(online, target)
            Expect.isTrue (bitEqual (values online.Flat.Values) (values target.Flat.Values)) "copied"
            use x = torch.rand([| 2L; 2L; 10L; 10L |])
            use yo = online.forward x
            use yt = target.forward x
            Expect.isTrue (bitEqual (values yo) (values yt)) "same function"
        }
    ]
