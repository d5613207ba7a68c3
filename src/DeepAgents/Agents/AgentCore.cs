using Research.DeepAgents.Configuration;
using Research.DeepAgents.Environments;
using Research.DeepAgents.Networks;
using Research.DeepAgents.Optimization;
using Research.DeepAgents.Replay;
using Research.Random;

namespace Research.DeepAgents.Agents;

/// <summary>
/// The skeleton DQN and Rainbow share (docs/agents.md, "The agent"): epsilon-greedy acting, storing
/// transitions, the update and target-refresh schedule, the target copy, the optimizer and its proximal pull,
/// checkpoint plumbing and disposal. A subclass holds only what differs: its network, its greedy action, its
/// replay sampling and its loss (<see cref="Learn"/>).
/// </summary>
public abstract class AgentCore : IAgent
{
    /// <summary>
    /// Takes the online network (built by the subclass), builds its target (a copy, Algorithm 1's w = theta;
    /// or an independent network when <c>PullTowardRandomTargetAtStart</c>), the optimizer, the pull (for a
    /// finite c~ or the nu penalty), the replay ring and the exploration stream.
    /// </summary>
    protected AgentCore(AgentSettings settings, ObservationSpec observation, int actionCount, QNetwork online)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(online);
        Settings = settings;
        ActionCount = actionCount;
        Online = online;
        Target = settings.PullTowardRandomTargetAtStart
            ? QNetworkFactory.CreateIndependentTarget(online, (long)Seeds.Derive(settings.Seed, Seeds.TargetNetwork))
            : QNetworkFactory.CreateTarget(online);
        Optimizer = Optimizers.Create(settings.Optimizer, online);
        Pull = settings.HasPull ? new ProximalPull(online, Target, settings.CTilde, settings.Optimizer.LearningRate) : null;
        Replay = AgentReplay.Create(settings, observation);
        ActingInput = new ActingInput(observation);
        Exploration = new Xoshiro256(Seeds.Derive(settings.Seed, Seeds.Exploration));
    }

    /// <summary>The settings this agent was built from.</summary>
    public AgentSettings Settings { get; }
    /// <summary>The online network w.</summary>
    public QNetwork Online { get; }
    /// <summary>The target network theta.</summary>
    public QNetwork Target { get; }
    /// <summary>The optimizer of w (the pull is applied next to it, not inside it).</summary>
    public IOptimizer Optimizer { get; }
    /// <summary>
    /// The proximal pull of the Pro agents (also built, with mu = 0, when only the nu penalty is on); null
    /// otherwise.
    /// </summary>
    public ProximalPull? Pull { get; }
    /// <summary>
    /// The replay ring: a <see cref="ReplayBuffer"/>, or a <see cref="FrameStackReplay"/> (one frame per
    /// transition) when <c>FrameStack</c> &gt; 1.
    /// </summary>
    public IReplayRing Replay { get; }
    /// <inheritdoc />
    public int ActionCount { get; }
    /// <inheritdoc />
    public double Mu => Pull?.Mu ?? 0.0;
    /// <inheritdoc />
    public long Steps { get; private set; }
    /// <inheritdoc />
    public long Updates { get; private set; }
    /// <inheritdoc />
    public long Syncs { get; private set; }

    /// <summary>The [1, C, H, W] acting input, refilled for every action selection.</summary>
    protected ActingInput ActingInput { get; }
    /// <summary>The training exploration stream (epsilon coin flips and random actions).</summary>
    protected Xoshiro256 Exploration { get; }

    /// <summary>The training epsilon for the next action (<see cref="EpsilonSchedule.At"/>).</summary>
    public virtual double Epsilon => Settings.Epsilon.At(Steps);

    /// <inheritdoc />
    public void BeginEpisode(ReadOnlySpan<float> observation)
    {
        Replay.BeginEpisode(observation);
        OnStored();
    }

    /// <summary>
    /// Epsilon-greedy training action for <paramref name="observation"/> with the scheduled epsilon.
    /// </summary>
    public int SelectAction(ReadOnlySpan<float> observation)
    {
        BeforeTrainingAction();
        return Act(observation, Epsilon, Exploration, training: true);
    }

    /// <summary>
    /// Epsilon-greedy action: with probability <paramref name="epsilon"/> a uniform action, otherwise
    /// <see cref="GreedyAction"/>. Draws one uniform from <paramref name="random"/>, plus one more for a
    /// random action.
    /// </summary>
    public int SelectAction(ReadOnlySpan<float> observation, double epsilon, Xoshiro256 random) =>
        Act(observation, epsilon, random, training: false);

    /// <summary>The online network's greedy action (the first maximum on ties).</summary>
    public int GreedyAction(ReadOnlySpan<float> observation) => Greedy(observation, training: false);

    int Act(ReadOnlySpan<float> observation, double epsilon, Xoshiro256 random, bool training)
    {
        if (EpsilonGreedy.Explore(random, epsilon, ActionCount, out int action)) return action;
        return Greedy(observation, training);
    }

    /// <summary>
    /// Stores the transition (s, a, r, terminated, s') and runs Dopamine's <c>_train_step</c> for this step:
    /// an update every <c>UpdatePeriod</c> steps and a target refresh every <c>TargetUpdatePeriod</c>
    /// steps (or updates), both only once more than <c>MinReplayHistory</c> transitions are stored.
    /// </summary>
    public StepOutcome Observe(int action, float reward, bool terminated, ReadOnlySpan<float> nextObservation)
    {
        Replay.Add(action, reward, terminated, nextObservation);
        OnStored();
        Steps++;
        var schedule = Settings.Schedule;
        if (!schedule.Learning(Steps)) return StepOutcome.None;

        bool updated = schedule.UpdateDue(Steps) && CanUpdate;
        var (loss, meanQ) = updated ? Update() : (float.NaN, float.NaN);
        bool sync = schedule.SyncDue(Steps, updated, Updates);
        var change = sync ? SyncTarget() : null;
        return updated || sync ? new StepOutcome(updated, loss, meanQ, sync, change) : StepOutcome.None;
    }

    /// <summary>
    /// One gradient update (<see cref="Learn"/>), counted; returns its loss and mean Q(s, a).
    /// </summary>
    public (float Loss, float MeanQ) Update()
    {
        var result = Learn();
        Updates++;
        return result;
    }

    /// <summary>
    /// Hard copy theta_k &lt;- w; returns d_k = ||theta_k - theta_{k-1}||_2 (global and per parameter).
    /// </summary>
    public NormDifference SyncTarget()
    {
        Syncs++;
        return TargetSync.Refresh(Online, Target);
    }

    /// <summary>
    /// The saved state after the counters, in order: exploration stream, both networks, optimizer, replay
    /// ring, then the subclass's own state (<see cref="SaveOwnState"/>). One list, so that save and load
    /// agree.
    /// </summary>
    (Action<BinaryWriter> Save, Action<BinaryReader> Load)[] SavedParts() =>
    [
        (Exploration.Save, Exploration.Load),
        (w => Checkpoints.SaveParameters(Online, w), r => Checkpoints.LoadParameters(Online, r)),
        (w => Checkpoints.SaveParameters(Target, w), r => Checkpoints.LoadParameters(Target, r)),
        (Optimizer.Save, Optimizer.Load),
        (Replay.Save, Replay.Load),
        (SaveOwnState, LoadOwnState),
    ];

    /// <summary>Writes the complete agent state: the step, update and sync counters, then
    /// <see cref="SavedParts"/>.</summary>
    public void Save(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(Steps);
        writer.Write(Updates);
        writer.Write(Syncs);
        foreach (var part in SavedParts()) part.Save(writer);
    }

    /// <summary>
    /// Restores a state written by <see cref="Save"/> of an agent built from the same settings.
    /// </summary>
    public void Load(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long steps = reader.ReadInt64(), updates = reader.ReadInt64(), syncs = reader.ReadInt64();
        foreach (var part in SavedParts()) part.Load(reader);
        (Steps, Updates, Syncs) = (steps, updates, syncs);
    }

    /// <summary>
    /// The greedy action of the online network; <paramref name="training"/> for a training action.
    /// </summary>
    protected abstract int Greedy(ReadOnlySpan<float> observation, bool training);

    /// <summary>
    /// One gradient update on a sampled minibatch; returns its loss and the batch mean of Q(s, a).
    /// </summary>
    protected abstract (float Loss, float MeanQ) Learn();

    /// <summary>Whether a due update can run (false while replay cannot give a batch).</summary>
    protected virtual bool CanUpdate => true;

    /// <summary>Runs after each observation is stored (episode starts included).</summary>
    protected virtual void OnStored()
    {
    }

    /// <summary>Runs before each training action is chosen.</summary>
    protected virtual void BeforeTrainingAction()
    {
    }

    /// <summary>Writes what only the subclass holds (after the common state).</summary>
    protected abstract void SaveOwnState(BinaryWriter writer);

    /// <summary>Reads what <see cref="SaveOwnState"/> wrote.</summary>
    protected abstract void LoadOwnState(BinaryReader reader);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Disposes the native tensors: the subclass's, then the acting input, pull, optimizer and networks.
    /// </summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        ActingInput.Dispose();
        Pull?.Dispose();
        (Optimizer as IDisposable)?.Dispose();
        Online.Dispose();
        Target.Dispose();
    }
}
