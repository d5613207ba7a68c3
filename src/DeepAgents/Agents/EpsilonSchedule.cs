using Research.DeepAgents.Configuration;

namespace Research.DeepAgents.Agents;

/// <summary>
/// An agent's training epsilon schedule (<see cref="EpsilonSchedule.At"/> with these arguments).
/// </summary>
/// <param name="Kind">Which schedule.</param>
/// <param name="WarmupSteps">Steps of uniformly random actions first.</param>
/// <param name="DecaySteps">Steps of the linear decay.</param>
/// <param name="Start">Epsilon at the start of the decay (MinAtarReference only).</param>
/// <param name="End">Epsilon after the decay.</param>
public sealed record EpsilonSettings(EpsilonScheduleKind Kind, long WarmupSteps, long DecaySteps, double Start, double End)
{
    /// <summary>Epsilon for the action taken after <paramref name="stepsDone"/> training steps.</summary>
    public double At(long stepsDone) => EpsilonSchedule.At(Kind, stepsDone, WarmupSteps, DecaySteps, Start, End);
}

/// <summary>The two linear exploration schedules, as pure functions of the step count.</summary>
public static class EpsilonSchedule
{
    /// <summary>
    /// Epsilon for the action of step <paramref name="stepsDone"/>+1, i.e. after <paramref name="stepsDone"/>
    /// agent steps have been taken in training.
    /// </summary>
    public static double At(EpsilonScheduleKind kind, long stepsDone, long warmupSteps, long decaySteps, double start, double end) => kind switch
    {
        EpsilonScheduleKind.MinAtarReference => MinAtarReference(stepsDone, warmupSteps, decaySteps, start, end),
        // Dopamine calls _train_step (which increments training_steps) before _select_action.
        EpsilonScheduleKind.DopamineLinear => DopamineLinear(decaySteps, stepsDone + 1, warmupSteps, end),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown epsilon schedule"),
    };

    /// <summary>
    /// MinAtar dqn.py with 0-based frame <paramref name="t"/>: 1 (uniform random) while t &lt; warmup; else
    /// <c>end</c> if t - warmup &gt;= decay, otherwise <c>(end - start)/decay * (t - warmup) + start</c>.
    /// </summary>
    public static double MinAtarReference(long t, long warmup, long decay, double start, double end)
    {
        if (t < warmup) return 1.0;
        long since = t - warmup;
        return since >= decay ? end : (end - start) / decay * since + start;
    }

    /// <summary>
    /// Dopamine: <c>bonus = (1 - epsilon) * (decay_period + warmup_steps - step) / decay_period</c>, clipped
    /// to [0, 1 - epsilon]; returns <c>epsilon + bonus</c>.
    /// </summary>
    public static double DopamineLinear(long decayPeriod, long step, long warmupSteps, double epsilon)
    {
        double stepsLeft = decayPeriod + warmupSteps - step;
        double bonus = (1.0 - epsilon) * stepsLeft / decayPeriod;
        bonus = Math.Clamp(bonus, 0.0, 1.0 - epsilon);
        return epsilon + bonus;
    }
}
