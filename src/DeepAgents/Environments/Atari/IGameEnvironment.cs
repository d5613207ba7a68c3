namespace Research.DeepAgents.Environments.Atari;

/// <summary>
/// An environment whose learning episodes can be shorter than its games (Atari with life loss as a terminal):
/// <see cref="IEnvironment.Step"/> reports a life loss as <c>Terminated</c>, and the next
/// <see cref="IEnvironment.Reset"/> continues the same game. Returns are reported per game (docs/atari.md,
/// "Learning episodes and games"): a training loop logs an episode return when <see cref="GameEnded"/>.
/// </summary>
public interface IGameEnvironment
{
    /// <summary>The last step ended the game: game over, or the step cap
    /// (then it was reported as truncated unless also terminal).</summary>
    bool GameEnded { get; }

    /// <summary>Sum of raw (unclipped) rewards since the game started.</summary>
    double GameReturn { get; }

    /// <summary>Agent steps since the game started.</summary>
    int GameSteps { get; }

    /// <summary>Lives left according to the emulator.</summary>
    int Lives { get; }
}
