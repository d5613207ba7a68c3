using Research.DeepAgents.Training;

namespace Research.DeepAgents.Agents;

/// <summary>
/// When an agent step (Dopamine's <c>_train_step</c>, docs/agents.md "The agent", step 3) updates and refreshes the
/// target, once more than <c>MinReplayHistory</c> transitions are stored.
/// </summary>
public static class TrainSchedule
{
    /// <summary>Whether step <paramref name="steps"/> (transitions stored) is past warm-up: more than <c>MinReplayHistory</c>.</summary>
    public static bool Learning(TrainingConfig config, long steps) => steps > config.MinReplayHistory;

    /// <summary>Whether step <paramref name="steps"/> runs a gradient update: every <c>UpdatePeriod</c> steps.</summary>
    public static bool UpdateDue(TrainingConfig config, long steps) => steps % config.UpdatePeriod == 0;

    /// <summary>
    /// Whether the target is refreshed after step <paramref name="steps"/>: with <c>AgentSteps</c>, every
    /// <c>TargetUpdatePeriod</c> steps (Dopamine); with <c>Updates</c>, after an update whose index
    /// <paramref name="updates"/> is a multiple of <c>TargetUpdatePeriod</c> (MinAtar's dqn.py).
    /// </summary>
    public static bool SyncDue(TrainingConfig config, long steps, bool updated, long updates) => config.TargetPeriodUnit switch
    {
        TargetPeriodUnit.AgentSteps => steps % config.TargetUpdatePeriod == 0,
        _ => updated && updates % config.TargetUpdatePeriod == 0,
    };
}
