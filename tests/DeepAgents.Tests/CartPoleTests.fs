/// CartPole: Gym CartPole-v1 physics (Barto, Sutton & Anderson 1983) checked against the closed form.
module CartPoleTests

open System
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.Classic
open Research.Random
open EnvironmentsTestSupport

let private observe (env: CartPole) =
    let o = Array.zeroCreate<float32> 4
    env.Observe(Span o)
    o

[<Tests>]
let tests =
    testList "CartPole" [
        test "the initial state is U[-0.05, 0.05]^4 from the seeded MT19937 stream" {
            let env = CartPole(EnvironmentOptions(Seed = 0))
            let rng = Mt19937 0u
            let expected = Array.init 4 (fun _ -> -0.05 + 0.1 * rng.NextDouble())
            Expect.equal [| env.X; env.XDot; env.Theta; env.ThetaDot |] expected "state"
            Expect.floatClose Accuracy.high env.X (-0.05 + 0.1 * 0.5488135039273248) "x from RandomState(0).rand()"
            Expect.equal (observe env) (expected |> Array.map float32) "observation (x, x_dot, theta, theta_dot)"
        }

        test "one Euler step from rest matches the closed form" {
            let env = CartPole(EnvironmentOptions(Seed = 0))
            env.SetState(0.0, 0.0, 0.0, 0.0)
            let r = env.Step 1
            // theta = 0: temp = F/M, thetaAcc = -temp / (l (4/3 - m/M)), xAcc = temp - m l thetaAcc / M
            let total = 1.1
            let temp = 10.0 / total
            let thetaAcc = -temp / (0.5 * (4.0 / 3.0 - 0.1 / total))
            let xAcc = temp - 0.05 * thetaAcc / total
            Expect.equal (r.Reward, r.Terminated, r.Truncated) (1.0f, false, false) "reward 1"
            Expect.floatClose Accuracy.veryHigh env.X 0.0 "x uses the old velocity"
            Expect.floatClose Accuracy.veryHigh env.XDot (0.02 * xAcc) "x_dot"
            Expect.floatClose Accuracy.veryHigh env.Theta 0.0 "theta uses the old angular velocity"
            Expect.floatClose Accuracy.veryHigh env.ThetaDot (0.02 * thetaAcc) "theta_dot"
        }

        test "a tilted pole falls the way it leans (gravity term)" {
            let env = CartPole(EnvironmentOptions(Seed = 0))
            env.SetState(0.0, 0.0, 0.1, 0.0)
            let s = sin 0.1
            let c = cos 0.1
            let temp = -10.0 / 1.1
            let thetaAcc = (9.8 * s - c * temp) / (0.5 * (4.0 / 3.0 - 0.1 * c * c / 1.1))
            env.Step 0 |> ignore
            Expect.floatClose Accuracy.veryHigh env.ThetaDot (0.02 * thetaAcc) "theta_dot"
        }

        test "terminates past 12 degrees or |x| > 2.4" {
            let env = CartPole(EnvironmentOptions(Seed = 0))
            env.SetState(0.0, 0.0, 0.2094, 1.0)
            Expect.isTrue (env.Step 1).Terminated "angle"
            let after = env.Step 1
            Expect.equal (after.Reward, after.Terminated) (0.0f, true) "stepping after the end changes nothing"
            env.Reset()
            env.SetState(2.39, 1.0, 0.0, 0.0)
            Expect.isTrue (env.Step 1).Terminated "position"
        }

        test "a balancing controller is truncated at exactly 500 steps" {
            let env = CartPole(EnvironmentOptions(Seed = 3))
            let mutable last = StepResult(0.0f, false, false)
            let mutable steps = 0
            while not last.Done do
                last <- env.Step(if env.Theta + 0.5 * env.ThetaDot + 0.01 * env.X + 0.1 * env.XDot > 0.0 then 1 else 0)
                steps <- steps + 1
            Expect.equal (steps, last.Terminated, last.Truncated) (500, false, true) "truncated, not terminated"
        }

        test "byte observations are not supported" {
            let env = CartPole(EnvironmentOptions())
            let e = catchExn<InvalidOperationException> (fun () -> env.Observe(Span(Array.zeroCreate<byte> 4)))
            Expect.stringContains e.Message "Features" "explains"
        }
    ]
