/// Per-game rules of docs/minatar.md checked on constructed states (beyond what the golden traces cover).
module MinAtarRuleTests

open System
open Expecto
open Research.DeepAgents.Environments
open Research.DeepAgents.Environments.MinAtar
open EnvironmentsTestSupport

let private noSticky = EnvironmentOptions(Seed = 0, StickyActionProbability = 0.0, DifficultyRamping = true)
let private make game (options: EnvironmentOptions) = MinAtarEnvironment(game, options)
let private observe (env: MinAtarEnvironment) =
    let o = Array.zeroCreate<byte> env.Observation.Size
    env.Observe(Span o)
    o
let private cell (env: MinAtarEnvironment) (o: byte[]) channel row col = o.[(channel * 10 + row) * 10 + col]

[<Tests>]
let tests =
    testList "MinAtar rules" [
        testList "Asterix" [
            test "gold on the player's cell gives +1 and disappears" {
                let env = make "asterix" noSticky
                let g = env.Game :?> Asterix
                g.SetEntity(4, 5, true, true) // slot 4 = row 5, the player's row; x 5 = the player's column
                let r = env.Step MinAtarAction.Noop
                Expect.equal (r.Reward, r.Terminated) (1.0f, false) "collected"
                Expect.isFalse (g.IsOccupied 4) "gold removed"
            }
            test "an enemy on the player's cell is terminal" {
                let env = make "asterix" noSticky
                let g = env.Game :?> Asterix
                g.SetEntity(4, 4, true, false)
                let r = env.Step MinAtarAction.Left // player moves onto the enemy at x 4
                Expect.isTrue r.Terminated "enemy contact"
            }
            test "observation: entity, gold channel and the trail behind it" {
                let env = make "asterix" noSticky
                let g = env.Game :?> Asterix
                g.SetEntity(0, 3, true, true)
                g.SetEntity(7, 9, false, false)
                let o = observe env
                Expect.equal (cell env o 0 5 5) 1uy "player at (5,5)"
                Expect.equal (cell env o 3 1 3) 1uy "gold on row 1"
                Expect.equal (cell env o 2 1 2) 1uy "trail left of a right-mover"
                Expect.equal (cell env o 1 8 9) 1uy "enemy on row 8"
                Expect.equal (Array.sumBy int o) 4 "nothing else (the left-mover's trail x+1 = 10 is off-grid)"
            }
            test "ramping: first ramp after 102 steps lowers the spawn speed only (ramp_index 0 is even)" {
                let env = make "asterix" noSticky
                let g = env.Game :?> Asterix
                for _ in 1 .. 101 do
                    for s in 0 .. 7 do g.ClearEntity s // keep the player safe; only timers matter here
                    env.Step MinAtarAction.Noop |> ignore
                Expect.equal (g.SpawnSpeed, g.MoveSpeed, g.RampIndex) (10, 5, 0) "no ramp yet"
                for s in 0 .. 7 do g.ClearEntity s
                env.Step MinAtarAction.Noop |> ignore
                Expect.equal (g.SpawnSpeed, g.MoveSpeed, g.RampIndex, g.RampTimer) (9, 5, 1, 100) "first ramp"
            }
        ]

        testList "Breakout" [
            test "reset puts the ball on row 3 at a side, bricks on rows 1-3" {
                let g = (make "breakout" noSticky).Game :?> Breakout
                Expect.equal g.BallY 3 "row"
                Expect.isTrue ((g.BallX, g.BallDirection) = (0, 2) || (g.BallX, g.BallDirection) = (9, 3)) "side and direction"
                Expect.equal g.BrickCount 30 "3 full rows"
                Expect.equal g.Paddle 4 "paddle"
            }
            test "hitting a brick: +1, brick removed, ball back to its row, direction flipped vertically" {
                let env = make "breakout" noSticky
                let g = env.Game :?> Breakout
                g.BallX <- 5; g.BallY <- 5; g.BallDirection <- 0; g.Strike <- false
                g.SetBrick(4, 4, true)
                let r = env.Step MinAtarAction.Noop
                Expect.equal r.Reward 1.0f "reward"
                Expect.isFalse (g.HasBrick(4, 4)) "brick gone"
                Expect.equal (g.BallX, g.BallY, g.BallDirection) (4, 5, 3) "bounced: up-left -> down-left"
                Expect.isTrue g.Strike "strike set"
            }
            test "the last brick cleared, a paddle return refills rows 1-3" {
                let env = make "breakout" noSticky
                let g = env.Game :?> Breakout
                for y in 1 .. 3 do
                    for x in 0 .. 9 do g.SetBrick(y, x, false)
                g.BallX <- 3; g.BallY <- 8; g.BallDirection <- 2; g.Paddle <- 4
                let r = env.Step MinAtarAction.Noop
                Expect.isFalse r.Terminated "caught by the paddle"
                Expect.equal g.BrickCount 30 "refilled"
                Expect.equal (g.BallX, g.BallY, g.BallDirection) (4, 8, 0) "reversed to up-left"
            }
            test "missing the ball is terminal" {
                let env = make "breakout" noSticky
                let g = env.Game :?> Breakout
                g.BallX <- 0; g.BallY <- 8; g.BallDirection <- 2; g.Paddle <- 9
                let r = env.Step MinAtarAction.Noop
                Expect.isTrue r.Terminated "terminal"
                Expect.equal (g.BallX, g.BallY) (1, 9) "the ball is committed to row 9"
            }
        ]

        testList "Freeway" [
            test "an episode is exactly 2501 act calls" {
                let env = make "freeway" noSticky
                let acts = actions 1 3 2501
                for i in 0 .. 2499 do
                    Expect.isFalse (env.Step acts.[i]).Terminated $"step {i + 1} is not terminal"
                Expect.isTrue (env.Step acts.[2500]).Terminated "step 2501 is terminal"
            }
            test "reaching row 0 gives +1, sends the chicken back to row 9 and redraws car speeds" {
                let env = make "freeway" noSticky
                let g = env.Game :?> Freeway
                for i in 0 .. 7 do g.SetCar(i, 0, 5, 5)
                g.ChickenRow <- 1; g.MoveTimer <- 0
                let r = env.Step MinAtarAction.Up
                Expect.equal r.Reward 1.0f "crossing"
                Expect.equal g.ChickenRow 9 "back to the start"
                for i in 0 .. 7 do
                    Expect.equal (g.CarX i) 0 "positions kept"
                    Expect.isTrue (abs (g.CarSpeed i) >= 1 && abs (g.CarSpeed i) <= 5) "speed redrawn in 1..5"
            }
            test "a car driving onto the chicken sends it back to row 9" {
                let env = make "freeway" noSticky
                let g = env.Game :?> Freeway
                for i in 0 .. 7 do g.SetCar(i, 0, 5, 5)
                g.SetCar(4, 3, 0, 1) // row 5, moves right onto column 4 this step
                g.ChickenRow <- 5; g.MoveTimer <- 2
                env.Step MinAtarAction.Noop |> ignore
                Expect.equal g.ChickenRow 9 "hit"
                Expect.equal (g.CarTimer 4) 1 "timer reset to |speed|"
            }
            test "the chicken moves at most once every 3 steps (move_timer 3, decremented while above 0)" {
                let env = make "freeway" noSticky
                let g = env.Game :?> Freeway
                for i in 0 .. 7 do g.SetCar(i, 0, 1000, 5)
                g.MoveTimer <- 0
                let rows = [ for _ in 1 .. 8 -> env.Step MinAtarAction.Up |> ignore; g.ChickenRow ]
                Expect.equal rows [ 8; 8; 8; 7; 7; 7; 6; 6 ] "rows after each step"
            }
        ]

        testList "Seaquest" [
            test "surfacing with 6 divers pays oxygen*10//200 and leaves -1 divers (reference quirk)" {
                let env = make "seaquest" noSticky
                let g = env.Game :?> Seaquest
                g.SubY <- 1; g.Surface <- false; g.DiverCount <- 6; g.Oxygen <- 150
                let r = env.Step MinAtarAction.Up
                Expect.equal r.Reward 7.0f "150*10//200"
                Expect.isFalse r.Terminated "not terminal"
                Expect.equal (g.DiverCount, g.Oxygen, g.Surface) (-1, 200, true) "divers -1, oxygen refilled"
                Expect.equal (g.EnemySpawnSpeed, g.RampIndex) (19, 1) "ramped"
            }
            test "surfacing with fewer than 6 divers pays nothing and loses one diver" {
                let env = make "seaquest" noSticky
                let g = env.Game :?> Seaquest
                g.SubY <- 1; g.Surface <- false; g.DiverCount <- 3; g.Oxygen <- 10
                let r = env.Step MinAtarAction.Up
                Expect.equal (r.Reward, r.Terminated) (0.0f, false) "no bonus"
                Expect.equal (g.DiverCount, g.Oxygen) (2, 200) "one diver used"
            }
            test "surfacing with no divers is terminal" {
                let env = make "seaquest" noSticky
                let g = env.Game :?> Seaquest
                g.SubY <- 1; g.Surface <- false; g.DiverCount <- 0
                Expect.isTrue (env.Step MinAtarAction.Up).Terminated "terminal"
            }
            test "running out of oxygen is terminal" {
                let env = make "seaquest" noSticky
                let g = env.Game :?> Seaquest
                g.SubY <- 4; g.Surface <- false; g.Oxygen <- 0
                Expect.isTrue (env.Step MinAtarAction.Noop).Terminated "terminal"
            }
            test "fire has a cooldown of 5 steps" {
                let env = make "seaquest" noSticky
                let g = env.Game :?> Seaquest
                g.SubY <- 4
                let counts = [ for _ in 1 .. 6 -> env.Step MinAtarAction.Fire |> ignore; g.FriendlyBullets.Count ]
                Expect.equal counts.[0] 1 "first shot"
                Expect.isTrue (counts.[1..4] |> List.forall (fun c -> c <= 1)) "no shot during cooldown"
                Expect.equal g.ShotTimer 4 "timer restarted by the 6th fire"
            }
            test "gauges: oxygen columns [0, oxygen*10//200), divers [9-divers, 9)" {
                let env = make "seaquest" noSticky
                let g = env.Game :?> Seaquest
                g.Oxygen <- 99; g.DiverCount <- 2
                let o = observe env
                Expect.equal [ for x in 0 .. 9 -> cell env o 7 9 x ] [ 1uy; 1uy; 1uy; 1uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy ] "oxygen 99 -> 4 cells"
                Expect.equal [ for x in 0 .. 9 -> cell env o 8 9 x ] [ 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 0uy; 1uy; 1uy; 0uy ] "2 divers -> columns 7, 8"
            }
        ]

        testList "Space Invaders" [
            test "clearing the last alien respawns the block and ramps the interval" {
                let env = make "space_invaders" noSticky
                let g = env.Game :?> SpaceInvaders
                for y in 0 .. 9 do
                    for x in 0 .. 9 do g.SetAlien(y, x, false)
                g.SetAlien(8, 5, true) // the bullet fired at (9,5) moves to row 8 in the same step
                let r = env.Step MinAtarAction.Fire
                Expect.equal r.Reward 1.0f "alien shot"
                Expect.equal g.AlienCount 24 "4x6 block respawned"
                Expect.isTrue (g.HasAlien(0, 2) && g.HasAlien(3, 7) && not (g.HasAlien(0, 1))) "rows 0-3, columns 2-7"
                Expect.equal (g.EnemyMoveInterval, g.RampIndex) (11, 1) "ramped"
            }
            test "without ramping the interval stays 12 after a wave" {
                let env = make "space_invaders" (EnvironmentOptions(Seed = 0, StickyActionProbability = 0.0, DifficultyRamping = false))
                let g = env.Game :?> SpaceInvaders
                for y in 0 .. 9 do
                    for x in 0 .. 9 do g.SetAlien(y, x, false)
                g.SetAlien(8, 5, true)
                env.Step MinAtarAction.Fire |> ignore
                Expect.equal (g.AlienCount, g.EnemyMoveInterval, g.RampIndex) (24, 12, 0) "respawned, no ramp"
            }
            test "an enemy bullet reaching the cannon is terminal" {
                let env = make "space_invaders" noSticky
                let g = env.Game :?> SpaceInvaders
                g.SetEnemyBullet(8, 5, true)
                Expect.isTrue (env.Step MinAtarAction.Noop).Terminated "hit"
            }
            test "aliens shoot from the lowest alien of the nearest column, ties to the lower column" {
                let env = make "space_invaders" noSticky
                let g = env.Game :?> SpaceInvaders
                for y in 0 .. 9 do
                    for x in 0 .. 9 do g.SetAlien(y, x, false)
                g.SetAlien(2, 3, true); g.SetAlien(4, 3, true); g.SetAlien(1, 7, true)
                g.AlienShotTimer <- 0; g.AlienMoveTimer <- 5; g.Position <- 5
                env.Step MinAtarAction.Noop |> ignore
                Expect.isTrue (g.HasEnemyBullet(4, 3)) "columns 3 and 7 tie at distance 2: column 3, lowest alien row 4"
            }
        ]

        testList "sticky actions and the wrapper" [
            test "the previous action starts at noop: with probability 1 every action is noop" {
                let env = make "breakout" (EnvironmentOptions(Seed = 0, StickyActionProbability = 1.0))
                let g = env.Game :?> Breakout
                for _ in 1 .. 3 do env.Step 3 |> ignore
                Expect.equal g.Paddle 4 "paddle never moved"
                Expect.equal env.LastAction 0 "executed action"
            }
            test "the previous action survives reset" {
                let env = make "breakout" (EnvironmentOptions(Seed = 0, StickyActionProbability = 0.0))
                env.Step 3 |> ignore
                env.Reset()
                Expect.equal env.LastAction 3 "kept across reset"
            }
            test "every act draws exactly one double from the shared stream" {
                let env = make "space_invaders" (EnvironmentOptions(Seed = 4, StickyActionProbability = 0.5))
                let shadow = Research.DeepAgents.Random.Mt19937 4u // space_invaders draws nothing itself
                for _ in 1 .. 50 do
                    env.Step 2 |> ignore
                    shadow.NextDouble() |> ignore
                Expect.equal (env.Random.NextUInt32()) (shadow.NextUInt32()) "50 draws consumed"
            }
            test "acting after terminal: reward 0, terminal, game unchanged, sticky draw still consumed" {
                let env = make "breakout" noSticky
                let g = env.Game :?> Breakout
                g.BallX <- 0; g.BallY <- 8; g.BallDirection <- 2; g.Paddle <- 9
                Expect.isTrue (env.Step MinAtarAction.Noop).Terminated "terminal"
                let before = observe env
                let stream = env.Random.GetState()
                let r = env.Step MinAtarAction.Left
                Expect.equal (r.Reward, r.Terminated, r.Truncated) (0.0f, true, false) "(0, terminal)"
                Expect.equal (observe env) before "state unchanged"
                let shadow = Research.DeepAgents.Random.Mt19937 0u
                shadow.SetState stream
                shadow.NextDouble() |> ignore
                Expect.equal (env.Random.NextUInt32()) (shadow.NextUInt32()) "one draw consumed"
            }
            test "minimal actions map agent index i to full action minimal[i]" {
                let env = make "breakout" (EnvironmentOptions(Seed = 0, StickyActionProbability = 0.0, MinimalActions = true))
                Expect.equal env.ActionCount 3 "breakout minimal set [0,1,3]"
                env.Step 2 |> ignore
                Expect.equal ((env.Game :?> Breakout).Paddle) 5 "index 2 = right"
                let counts = [ for n in MinAtarGames.Names -> (make n (EnvironmentOptions(MinimalActions = true))).ActionCount ]
                Expect.equal counts [ 5; 3; 3; 6; 4 ] "asterix, breakout, freeway, seaquest, space_invaders"
            }
        ]
    ]
