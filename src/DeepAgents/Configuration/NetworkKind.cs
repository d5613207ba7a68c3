namespace Research.DeepAgents.Configuration;

/// <summary>The Q-network architectures (docs/agents.md, "Networks (`QNetworkFactory`)").</summary>
public enum NetworkKind
{
    /// <summary>MinAtar paper's DQN: conv 16 3x3 stride 1 no
    /// padding, ReLU, linear 128, ReLU, linear actions.</summary>
    MinAtarReference,

    /// <summary>Dopamine's MinAtar DQN: conv 16 3x3 'same',
    /// ReLU, flatten straight into the action head.</summary>
    DopamineMinAtar,

    /// <summary>Nature CNN with Dopamine's 'same' padding: conv 32
    /// 8x8/4, 64 4x4/2, 64 3x3/1, dense 512, actions.</summary>
    NatureCnn,

    /// <summary>A multilayer perceptron for feature observations
    /// (CartPole): hidden ReLU layers (64, 64 by default).</summary>
    Mlp,
}
