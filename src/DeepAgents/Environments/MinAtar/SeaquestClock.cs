using System.Runtime.CompilerServices;

namespace Research.DeepAgents.Environments.MinAtar;

// Speed: Seaquest's three global countdowns (style G of docs/minatar.md, "Timers": act at 0, go down by 1
// while above 0) kept as deadlines on a step clock. A timer that reads t at the start of step n is stored
// as n + t and reads max(0, deadline - n); restarting it at v on step n (it reads v - 1 on step n + 1)
// stores n + v. Step 9 then advances one clock instead of three timers.
public sealed partial class Seaquest
{
    long _clock, _shotAt, _enemySpawnAt, _diverSpawnAt;

    /// <summary>Player shot cooldown (0: may fire).</summary>
    public int ShotTimer
    {
        get => Remaining(_shotAt);
        internal set => _shotAt = Deadline(value, nameof(ShotTimer));
    }

    /// <summary>Enemy spawn countdown (0: spawns this step).</summary>
    public int EnemySpawnTimer
    {
        get => Remaining(_enemySpawnAt);
        internal set => _enemySpawnAt = Deadline(value, nameof(EnemySpawnTimer));
    }

    /// <summary>Diver spawn countdown (0: spawns this step).</summary>
    public int DiverSpawnTimer
    {
        get => Remaining(_diverSpawnAt);
        internal set => _diverSpawnAt = Deadline(value, nameof(DiverSpawnTimer));
    }

    int Remaining(long deadline) => (int)Math.Max(deadline - _clock, 0);

    long Deadline(int timer, string name) => timer >= 0 ? _clock + timer
        : throw new ArgumentOutOfRangeException(name, timer, $"Seaquest.{name} must be >= 0.");

    void ResetClock() => _clock = 0;

    // The rules' reads and restarts, inlined (on the cold spawn paths the JIT would otherwise call them).
    // Each reads the clock field afresh rather than holding it across the spawn calls (fewer values live
    // across calls, fewer saved registers).
    bool EnemySpawnDue { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => _clock >= _enemySpawnAt; }
    bool DiverSpawnDue { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => _clock >= _diverSpawnAt; }
    bool ShotReady { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => _clock >= _shotAt; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void RestartEnemySpawnTimer() => _enemySpawnAt = _clock + EnemySpawnSpeed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void RestartDiverSpawnTimer() => _diverSpawnAt = _clock + DiverSpawnSpeed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void RestartShotTimer(int cooldown) => _shotAt = _clock + cooldown;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void TickGlobalTimers() => _clock++;
}
