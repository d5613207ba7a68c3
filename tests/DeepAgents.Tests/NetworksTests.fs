module NetworksTests

open Expecto
open TorchSharp
open Research.DeepAgents.Configuration
open Research.DeepAgents.Environments
open Research.DeepAgents.Networks
open TorchTestSupport

let private forwardShape (net: QNetwork) (batch: int64) =
    let o = net.Observation
    use x = torch.rand([| batch; int64 o.Channels; int64 o.Height; int64 o.Width |])
    use y = net.forward x
    y.shape

let private namedCounts (net: QNetwork) =
    net.named_parameters() |> Seq.map (fun struct (n, p) -> n, p.numel()) |> List.ofSeq

[<Tests>]
let tests =
    testList "Networks" [
        test "TF 'SAME' padding: Nature CNN sizes 84 -> 21 -> 11 -> 11, extra pixel after" {
            Expect.equal (SamePadding.Output(84, 4)) 21 "84 / 4"
            Expect.equal (SamePadding.Output(21, 2)) 11 "21 / 2"
            Expect.equal (SamePadding.Output(11, 1)) 11 "11 / 1"
            Expect.equal (SamePadding.Pad(84, 8, 4)) struct (2, 2) "conv1 pads 2 + 2"
            Expect.equal (SamePadding.Pad(21, 4, 2)) struct (1, 2) "conv2 pads 1 before, 2 after"
            Expect.equal (SamePadding.Pad(11, 3, 1)) struct (1, 1) "conv3 pads 1 + 1"
            Expect.equal (SamePadding.Pad(10, 3, 1)) struct (1, 1) "MinAtar 'same'"
        }
        test "SameConv2d puts the extra padding row/column at the bottom/right" {
            init ()
            use conv = new SameConv2d("c", 1, 1, 2, 1, 3, 3)
            use _ = torch.no_grad()
            conv.Weight.fill_(1.0) |> ignore
            conv.Bias.zero_() |> ignore
            use x = torch.ones([| 1L; 1L; 3L; 3L |])
            use y = conv.forward x
            // 2x2 all-ones kernel over a 3x3 ones image padded with one zero row/column after.
            Expect.equal y.shape [| 1L; 1L; 3L; 3L |] "same size"
            Expect.equal (values y) [| 4.0f; 4.0f; 2.0f; 4.0f; 4.0f; 2.0f; 2.0f; 2.0f; 1.0f |] "window counts"
        }
        test "MinAtar reference: conv16 3x3 valid -> 128 -> actions, 132566 parameters for 4 channels" {
            init ()
            use net = QNetworkFactory.Create(NetworkKind.MinAtarReference, minAtar 4, 6, 1L) :?> MinAtarReferenceNetwork
            Expect.equal net.FlattenedSize 1024L "16 * 8 * 8"
            Expect.equal (forwardShape net 5L) [| 5L; 6L |] "[B, actions]"
            Expect.equal (namedCounts net)
                [ "conv.weight", 576L; "conv.bias", 16L; "hidden.weight", 131072L; "hidden.bias", 128L; "head.weight", 768L; "head.bias", 6L ]
                "named parameter sizes"
            Expect.equal net.ParameterCount 132566L "total"
        }
        test "Dopamine MinAtar: conv16 3x3 'same' straight into the head (flatten 1600)" {
            init ()
            use net = QNetworkFactory.Create(NetworkKind.DopamineMinAtar, minAtar 4, 6, 1L) :?> DopamineMinAtarNetwork
            Expect.equal net.FlattenedSize 1600L "16 * 10 * 10"
            Expect.equal (forwardShape net 3L) [| 3L; 6L |] "[B, actions]"
            Expect.equal net.ParameterCount (576L + 16L + 1600L * 6L + 6L) "total"
        }
        test "Nature CNN: 84x84x4 flattens to 7744, 512 hidden, 4052658 parameters for 18 actions" {
            init ()
            use net = QNetworkFactory.Create(NetworkKind.NatureCnn, atari, 18, 1L) :?> NatureCnn
            Expect.equal net.FlattenedSize 7744L "64 * 11 * 11"
            Expect.equal (forwardShape net 2L) [| 2L; 18L |] "[B, actions]"
            let expected = (32L * 4L * 64L + 32L) + (64L * 32L * 16L + 64L) + (64L * 64L * 9L + 64L) + (7744L * 512L + 512L) + (512L * 18L + 18L)
            Expect.equal net.ParameterCount expected "total"
            Expect.equal expected 4052658L "closed form"
        }
        test "MLP: 4 features -> 64 -> 64 -> 2 (4610 parameters), configurable widths" {
            init ()
            use net = QNetworkFactory.Create(NetworkKind.Mlp, features 4, 2, 1L)
            Expect.equal (forwardShape net 7L) [| 7L; 2L |] "[B, actions]"
            Expect.equal net.ParameterCount (4L * 64L + 64L + 64L * 64L + 64L + 64L * 2L + 2L) "total"
            use wide = QNetworkFactory.Create(NetworkKind.Mlp, features 4, 2, 1L, hidden = [| 32; 16; 8 |])
            Expect.equal wide.ParameterCount (4L * 32L + 32L + 32L * 16L + 16L + 16L * 8L + 8L + 8L * 2L + 2L) "three hidden layers"
        }
        test "atoms > 1 gives logits [B, actions, atoms] for every kind" {
            init ()
            for kind, obs in [ NetworkKind.MinAtarReference, minAtar 4; NetworkKind.DopamineMinAtar, minAtar 4; NetworkKind.Mlp, features 4 ] do
                use net = QNetworkFactory.Create(kind, obs, 6, 3L, atoms = 51)
                Expect.equal (forwardShape net 2L) [| 2L; 6L; 51L |] (string kind)
        }
        test "construction is deterministic for a seed and differs across seeds" {
            init ()
            for kind, obs in [ NetworkKind.MinAtarReference, minAtar 7; NetworkKind.DopamineMinAtar, minAtar 7; NetworkKind.Mlp, features 4 ] do
                use a = QNetworkFactory.Create(kind, obs, 6, 42L)
                use b = QNetworkFactory.Create(kind, obs, 6, 42L)
                use c = QNetworkFactory.Create(kind, obs, 6, 43L)
                Expect.isTrue (bitEqual (values a.Flat.Values) (values b.Flat.Values)) $"{kind}: same seed, same weights"
                Expect.isFalse (bitEqual (values a.Flat.Values) (values c.Flat.Values)) $"{kind}: other seed, other weights"
        }
        test "initialisations: PyTorch default bounds, Glorot bounds with zero biases, Dopamine variance scaling" {
            init ()
            use reference = QNetworkFactory.Create(NetworkKind.MinAtarReference, minAtar 4, 6, 5L)
            for struct (name, p) in reference.named_parameters() do
                let fanIn =
                    match name with
                    | n when n.StartsWith "conv" -> 4.0 * 9.0
                    | n when n.StartsWith "hidden" -> 1024.0
                    | _ -> 128.0
                let bound = 1.0 / sqrt fanIn
                let v = values p
                Expect.isTrue (v |> Array.forall (fun x -> abs (float x) <= bound)) $"{name} within 1/sqrt(fan_in)"
                if v.Length >= 100 then
                    Expect.isGreaterThan (v |> Array.map (fun x -> abs (float x)) |> Array.max) (0.9 * bound) $"{name} fills its range"
            use dopamine = QNetworkFactory.Create(NetworkKind.DopamineMinAtar, minAtar 4, 6, 5L)
            for struct (name, p) in dopamine.named_parameters() do
                let v = values p
                if name.EndsWith "bias" then Expect.isTrue (v |> Array.forall ((=) 0.0f)) $"{name} zero"
                else
                    let fanIn, fanOut = if name.StartsWith "conv" then 36.0, 144.0 else 1600.0, 6.0
                    let bound = sqrt (6.0 / (fanIn + fanOut))
                    Expect.isTrue (v |> Array.forall (fun x -> abs (float x) <= bound)) $"{name} within the Glorot bound"
                    Expect.isGreaterThan (v |> Array.map (fun x -> abs (float x)) |> Array.max) (0.9 * bound) $"{name} fills its range"
            use rainbow = QNetworkFactory.Create(NetworkKind.DopamineMinAtar, minAtar 4, 6, 5L, initialization = Initialization.DopamineVarianceScaling)
            let headWeight = rainbow.named_parameters() |> Seq.find (fun struct (n, _) -> n = "head.weight") |> fun struct (_, p) -> values p
            let bound = sqrt (3.0 * (1.0 / sqrt 3.0) / 1600.0)
            Expect.isTrue (headWeight |> Array.forall (fun x -> abs (float x) <= bound)) "variance scaling bound"
            // Uniform(-b, b) has variance b^2 / 3: 9600 draws put the sample variance within a few percent.
            let variance = headWeight |> Array.averageBy (fun x -> float x * float x)
            Expect.floatClose { absolute = 0.0; relative = 0.08 } variance (bound * bound / 3.0) "variance b^2/3"
        }
        test "Pixels input is divided by 255 inside the network; Binary input is used as is" {
            init ()
            let pixels = ObservationSpec(2, 10, 10, ObservationKind.Pixels)
            let binary = ObservationSpec(2, 10, 10, ObservationKind.Binary)
            use p = QNetworkFactory.Create(NetworkKind.DopamineMinAtar, pixels, 3, 9L)
            use b = QNetworkFactory.Create(NetworkKind.DopamineMinAtar, binary, 3, 9L)
            use raw = torch.randint(0L, 256L, [| 4L; 2L; 10L; 10L |]).to_type(torch.ScalarType.Float32)
            use scaled = raw.div(sc 255.0)
            use yp = p.forward raw
            use yb = b.forward scaled
            Expect.isTrue (bitEqual (values yp) (values yb)) "forward(x) on Pixels = forward(x / 255) on Binary"
        }
        test "CreateTarget copies the online weights and turns gradients off" {
            init ()
            use online = QNetworkFactory.Create(NetworkKind.MinAtarReference, minAtar 4, 6, 11L)
            use target = QNetworkFactory.CreateTarget online
            Expect.isTrue (bitEqual (values online.Flat.Values) (values target.Flat.Values)) "theta = w"
            Expect.isTrue (target.parameters() |> Seq.forall (fun p -> not p.requires_grad)) "frozen"
            use independent = QNetworkFactory.CreateIndependentTarget(online, 12L)
            Expect.isFalse (bitEqual (values online.Flat.Values) (values independent.Flat.Values)) "released-code switch: random target"
        }
        test "bad specs are rejected naming the field, value and allowed range" {
            init ()
            throwsWith [ "Actions = 0"; "at least 1" ] (fun () -> QNetworkFactory.Create(NetworkKind.Mlp, features 4, 0, 1L) |> ignore)
            throwsWith [ "Atoms = 0" ] (fun () -> QNetworkFactory.Create(NetworkKind.Mlp, features 4, 2, 1L, atoms = 0) |> ignore)
            throwsWith [ "2x2"; "MinAtarReference" ] (fun () ->
                QNetworkFactory.Create(NetworkKind.MinAtarReference, ObservationSpec(1, 2, 2, ObservationKind.Binary), 2, 1L) |> ignore)
            throwsWith [ "Hidden"; "positive" ] (fun () -> QNetworkFactory.Create(NetworkKind.Mlp, features 4, 2, 1L, hidden = [| 8; 0 |]) |> ignore)
        }
    ]
