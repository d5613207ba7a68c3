using Research.DeepAgents.Configuration;

namespace Research.DeepAgents.Agents;

/// <summary>
/// When an agent step (Dopamine's <c>_train_step</c>, docs/agents.md "The agent", step 3) updates and
/// refreshes the target, once more than <paramref name="MinReplayHistory"/> transitions are stored.
/// </summary>
/// <param name="MinReplayHistory">Warm-up: no learning until more transitions than this are stored.</param>
/// <param name="UpdatePeriod">Agent steps per gradient update.</param>
/// <param name="TargetUpdatePeriod">Steps or updates (<paramref name="TargetPeriodUnit"/>) per target
/// refresh.</param>
/// <param name="TargetPeriodUnit">What <paramref name="TargetUpdatePeriod"/> counts.</param>
public sealed record TrainSchedule(long MinReplayHistory, int UpdatePeriod, long TargetUpdatePeriod, TargetPeriodUnit TargetPeriodUnit)
{
    /// <summary>
    /// Whether step <paramref name="steps"/> (transitions stored) is past warm-up: more than
    /// <c>MinReplayHistory</c>.
    /// </summary>
    public bool Learning(long steps) => steps > MinReplayHistory;

    /// <summary>
    /// Whether step <paramref name="steps"/> runs a gradient update: every <c>UpdatePeriod</c> steps.
    /// </summary>
    public bool UpdateDue(long steps) => steps % UpdatePeriod == 0;

    /// <summary>
    /// Whether the target is refreshed after step <paramref name="steps"/>: with <c>AgentSteps</c>, every
    /// <c>TargetUpdatePeriod</c> steps (Dopamine); with <c>Updates</c>, after an update whose index
    /// <paramref name="updates"/> is a multiple of <c>TargetUpdatePeriod</c> (MinAtar's dqn.py).
    /// </summary>
    public bool SyncDue(long steps, bool updated, long updates) => TargetPeriodUnit switch
    {
        TargetPeriodUnit.AgentSteps => steps % TargetUpdatePeriod == 0,
        _ => updated && updates % TargetUpdatePeriod == 0,
    };
}
