/// Tests of n-step returns over the replay ring (Replay/NStepReturns.cs) on the uniform ReplayBuffer.
module NStepTests

open System
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Replay

let scalar = ObservationSpec(1, 1, 1, ObservationKind.Features)

/// A buffer whose observations are single floats (used as labels) and its ring view.
let newBuffer capacity =
    let buffer = ReplayBuffer(scalar, capacity, 1UL)
    buffer, (buffer :> ITransitionRing)

let obs (x: float32) = ReadOnlySpan [| x |]

let get (nStep: NStepReturns) ring slot =
    match nStep.TryGet(ring, slot) with
    | true, t -> Some t
    | _ -> None

let expectTransition (actual: NStepTransition option) (bootstrap, steps, terminated, ret: float, discount: float) =
    match actual with
    | None -> failtest "expected a sampleable slot"
    | Some t ->
        Expect.equal (t.BootstrapSlot, t.Steps, t.Terminated) (bootstrap, steps, terminated) $"slot {t.Slot}: bootstrap, steps, terminated"
        Expect.floatClose Accuracy.veryHigh t.Return ret $"slot {t.Slot}: return"
        Expect.floatClose Accuracy.veryHigh t.Discount discount $"slot {t.Slot}: discount"

[<Tests>]
let nStepTests =
    testList "Replay.NStep" [
        test "hand trajectory with a terminal (n = 3, gamma = 0.5)" {
            let buffer, ring = newBuffer 16
            let nStep = NStepReturns(3, 0.5)
            // o0 .. o5 in slots 0..5, rewards 1..5, o5 terminal.
            buffer.BeginEpisode(obs 0f)
            for t in 0 .. 4 do buffer.Add(t, float32 (t + 1), (t = 4), obs (float32 (t + 1)))
            expectTransition (get nStep ring 0) (3, 3, false, 1.0 + 0.5 * 2.0 + 0.25 * 3.0, 0.125)
            expectTransition (get nStep ring 1) (4, 3, false, 2.0 + 0.5 * 3.0 + 0.25 * 4.0, 0.125)
            expectTransition (get nStep ring 2) (5, 3, true, 3.0 + 0.5 * 4.0 + 0.25 * 5.0, 0.0)
            expectTransition (get nStep ring 3) (5, 2, true, 4.0 + 0.5 * 5.0, 0.0)
            expectTransition (get nStep ring 4) (5, 1, true, 5.0, 0.0)
            Expect.isNone (get nStep ring 5) "the terminal observation has no transition"
            Expect.isNone (get nStep ring 6) "unwritten slot"
        }
        test "truncation bootstraps from the final observation with gamma^m, once the next episode has started" {
            let buffer, ring = newBuffer 16
            let nStep = NStepReturns(3, 0.5)
            // o0..o3, rewards 1, 1, 1, then a time limit (no terminal).
            buffer.BeginEpisode(obs 0f)
            for t in 0 .. 2 do buffer.Add(t, 1f, false, obs (float32 (t + 1)))
            expectTransition (get nStep ring 0) (3, 3, false, 1.75, 0.125)
            Expect.isNone (get nStep ring 1) "slot 3 is the newest slot: the episode might continue"
            Expect.isNone (get nStep ring 2) "same"
            buffer.BeginEpisode(obs 100f)
            expectTransition (get nStep ring 1) (3, 2, false, 1.5, 0.25)
            expectTransition (get nStep ring 2) (3, 1, false, 1.0, 0.5)
            Expect.isNone (get nStep ring 3) "the final observation has no transition"
            Expect.isNone (get nStep ring 4) "the new episode's first slot is the newest"
        }
        test "windows of an open episode become sampleable only when n steps are written" {
            let buffer, ring = newBuffer 16
            let nStep = NStepReturns(3, 0.9)
            buffer.BeginEpisode(obs 0f)
            buffer.Add(0, 1f, false, obs 1f)
            buffer.Add(0, 1f, false, obs 2f)
            Expect.isNone (get nStep ring 0) "two steps written"
            buffer.Add(0, 1f, false, obs 3f)
            expectTransition (get nStep ring 0) (3, 3, false, 1.0 + 0.9 + 0.81, 0.729)
            Expect.isNone (get nStep ring 1) "slot 1 needs one more step"
        }
        test "n = 1 is the one-step transition" {
            let buffer, ring = newBuffer 8
            let nStep = NStepReturns(1, 0.99)
            buffer.BeginEpisode(obs 0f)
            buffer.Add(2, 0.5f, false, obs 1f)
            buffer.Add(1, -1f, true, obs 2f)
            expectTransition (get nStep ring 0) (1, 1, false, 0.5, 0.99)
            expectTransition (get nStep ring 1) (2, 1, true, -1.0, 0.0)
        }
        test "wrap-around: capacity 5, one episode of 8 steps, then a terminal" {
            let buffer, ring = newBuffer 5
            let nStep = NStepReturns(3, 0.5)
            // Rewards r_t = t + 1. After o0..o7: slots 3, 4, 0, 1, 2 hold o3, o4, o5, o6, o7 (newest).
            buffer.BeginEpisode(obs 0f)
            for t in 0 .. 6 do buffer.Add(t, float32 (t + 1), false, obs (float32 (t + 1)))
            Expect.equal buffer.Cursor 3 "cursor"
            expectTransition (get nStep ring 3) (1, 3, false, 4.0 + 0.5 * 5.0 + 0.25 * 6.0, 0.125)
            expectTransition (get nStep ring 4) (2, 3, false, 5.0 + 0.5 * 6.0 + 0.25 * 7.0, 0.125)
            Expect.isNone (get nStep ring 0) "o5's window reaches the newest slot"
            // r_7 = 8 ends the episode: o8 overwrites slot 3 (o3).
            buffer.Add(7, 8f, true, obs 8f)
            Expect.isNone (get nStep ring 3) "overwritten"
            expectTransition (get nStep ring 4) (2, 3, false, 9.75, 0.125)
            expectTransition (get nStep ring 0) (3, 3, true, 6.0 + 0.5 * 7.0 + 0.25 * 8.0, 0.0)
            expectTransition (get nStep ring 1) (3, 2, true, 7.0 + 0.5 * 8.0, 0.0)
            expectTransition (get nStep ring 2) (3, 1, true, 8.0, 0.0)
        }
        test "Fill writes observations, bootstrap observations, actions, returns, discounts and steps" {
            let buffer, ring = newBuffer 16
            let nStep = NStepReturns(2, 0.5)
            buffer.BeginEpisode(obs 10f)
            buffer.Add(3, 1f, false, obs 11f)
            buffer.Add(4, 2f, false, obs 12f)
            buffer.Add(5, 4f, true, obs 13f)
            let batch = NStepBatch(3, 1)
            nStep.Fill(ring, ReadOnlySpan [| 1; 0; 2 |], batch)
            Expect.equal batch.Observations [| 11f; 10f; 12f |] "s_t"
            Expect.equal batch.BootstrapObservations [| 13f; 12f; 13f |] "s_{t+m}"
            Expect.equal batch.Actions [| 4L; 3L; 5L |] "a_t"
            Expect.equal batch.Returns [| 4f; 2f; 4f |] "r^(m)"
            Expect.equal batch.Discounts [| 0f; 0.25f; 0f |] "gamma^m or 0"
            Expect.equal batch.Steps [| 2; 2; 1 |] "m"
            Expect.equal batch.Slots [| 1; 0; 2 |] "slots"
            let e = Expect.throwsC (fun () -> nStep.Fill(ring, ReadOnlySpan [| 1; 3; 0 |], batch)) id
            Expect.stringContains e.Message "slot 3 is not sampleable" "message"
        }
        test "bad parameters are rejected with the value" {
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> NStepReturns(0, 0.9) |> ignore) "n = 0"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> NStepReturns(3, 1.5) |> ignore) "gamma > 1"
        }
        testPropertyWithConfig { FsCheckConfig.defaultConfig with maxTest = 60 }
            "random trajectories through a small ring agree with a reference computed from the full history"
            (fun (seed: int) (capacityByte: byte) (nByte: byte) ->
                let rng = Random seed
                let capacity = 3 + int capacityByte % 12
                let n = 1 + int nByte % 4
                let gamma = 0.9
                let buffer, ring = newBuffer capacity
                let nStep = NStepReturns(n, gamma)
                // The full history: per write, (episode, reward of its
                // outgoing transition or None, terminal).
                let history = Collections.Generic.List<int * (float32 * bool) option>()
                let mutable episode = 0
                let check () =
                    let writes = history.Count
                    let newest = writes - 1
                    for slot in 0 .. buffer.Count - 1 do
                        // The write currently in this slot.
                        let w = newest - ((newest % capacity - slot + capacity) % capacity)
                        let expected =
                            match history.[w] with
                            | _, None -> None
                            | ep, Some _ ->
                                let mutable ret, discount, k, j, stop, result = 0.0, 1.0, 0, w, false, None
                                while not stop do
                                    if k = n then
                                        result <- Some(j % capacity, n, false, ret, discount); stop <- true
                                    else
                                        match history.[j] with
                                        | e, Some(r, term) when e = ep ->
                                            ret <- ret + discount * float r
                                            discount <- discount * gamma
                                            k <- k + 1
                                            j <- j + 1
                                            if term then
                                                result <- Some(j % capacity, k, true, ret, 0.0); stop <- true
                                        | _ ->
                                            // j ends the episode; it is known to be the end
                                            // only if a later write exists.
                                            result <- (if j = newest then None else Some(j % capacity, k, false, ret, discount))
                                            stop <- true
                                result
                        match expected, get nStep ring slot with
                        | None, None -> ()
                        | Some(b, m, term, ret, disc), Some t ->
                            Expect.equal (t.BootstrapSlot, t.Steps, t.Terminated) (b, m, term) $"slot {slot}"
                            Expect.floatClose Accuracy.high t.Return ret $"slot {slot} return"
                            Expect.floatClose Accuracy.high t.Discount disc $"slot {slot} discount"
                        | e, a -> failtestf "slot %d: expected %A, got %A" slot e a
                for _ in 1 .. 8 do
                    episode <- episode + 1
                    buffer.BeginEpisode(obs 0f)
                    history.Add((episode, None))
                    check ()
                    let length = 1 + rng.Next(2 * capacity)
                    let terminal = rng.Next 2 = 0
                    for t in 0 .. length - 1 do
                        let r = float32 (rng.Next(-3, 4))
                        let isTerminal = terminal && t = length - 1
                        buffer.Add(0, r, isTerminal, obs 0f)
                        history.[history.Count - 1] <- (episode, Some(r, isTerminal))
                        history.Add((episode, None))
                        check ())
    ]
