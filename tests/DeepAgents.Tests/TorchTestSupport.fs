/// Helpers shared by the Torch / Networks / Optimization / ProximalPull tests.
module TorchTestSupport

open System
open TorchSharp
open Research.DeepAgents.Torch
open Research.DeepAgents.Environments

/// Loads libtorch (single thread) once; every Torch test calls this first.
let init () = TorchRuntime.Initialize 1

/// A scalar argument for TorchSharp calls.
let sc (x: float) : Scalar = x.ToScalar()

/// The gradient of a tensor, failing the test if there is none.
let gradOf (t: torch.Tensor) : torch.Tensor =
    match t.grad with
    | null -> failwith "tensor has no gradient"
    | g -> g

/// A float32 tensor's values as a flat array.
let values (t: torch.Tensor) : float32[] =
    use c = t.detach().cpu().contiguous()
    c.data<float32>().ToArray()

/// A float32 tensor from values and a shape.
let tensorOf (shape: int64[]) (xs: float32[]) : torch.Tensor = torch.tensor(xs).reshape(shape)

/// Asserts two arrays are elementwise within an absolute + relative tolerance.
let closeTo (message: string) (tolerance: float) (expected: float[]) (actual: float32[]) =
    Expecto.Expect.equal actual.Length expected.Length (message + ": length")
    for i in 0 .. expected.Length - 1 do
        let e = expected.[i]
        let a = float actual.[i]
        if abs (a - e) > tolerance * (1.0 + abs e) then
            failwithf "%s: element %d is %.9g, expected %.9g (tolerance %g)" message i a e tolerance

/// Bitwise equality of two float32 arrays (NaN-safe, distinguishes -0 and +0).
let bitEqual (a: float32[]) (b: float32[]) =
    a.Length = b.Length
    && Array.forall2 (fun (x: float32) (y: float32) -> BitConverter.SingleToInt32Bits x = BitConverter.SingleToInt32Bits y) a b

/// MinAtar-like binary observation spec (channels x 10 x 10).
let minAtar channels = ObservationSpec(channels, 10, 10, ObservationKind.Binary)

/// Atari-like stacked pixels (4 x 84 x 84).
let atari = ObservationSpec(4, 84, 84, ObservationKind.Pixels)

/// CartPole-like features [1, 1, n].
let features n = ObservationSpec(1, 1, n, ObservationKind.Features)

/// Asserts that `f` throws ArgumentException (or a subclass) whose message contains every fragment.
let throwsWith (fragments: string list) (f: unit -> unit) =
    let message =
        try
            f ()
            None
        with :? ArgumentException as e -> Some e.Message
    match message with
    | None -> failwith "expected an ArgumentException"
    | Some m ->
        for fragment in fragments do
            if not (m.Contains(fragment: string)) then failwithf "message %A does not contain %A" m fragment
