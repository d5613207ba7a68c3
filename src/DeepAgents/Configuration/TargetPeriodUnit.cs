namespace Research.DeepAgents.Configuration;

/// <summary>When the target network is refreshed: every N agent steps
/// (Dopamine) or every N gradient updates (MinAtar's dqn.py).</summary>
public enum TargetPeriodUnit
{
    /// <summary>Dopamine: <c>training_steps % target_update_period == 0</c>
    /// (checked every agent step once learning has started).</summary>
    AgentSteps,
    /// <summary>MinAtar dqn.py: after an update, when
    /// <c>update_counter % TARGET_NETWORK_UPDATE_FREQ == 0</c>.</summary>
    Updates,
}
