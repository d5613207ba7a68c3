using static TorchSharp.torch;

namespace Research.DeepAgents.Distributional;

/// <summary>
/// The distributional pieces of Dopamine's compact Rainbow (C51 + n-step + prioritized replay;
/// docs/agents.md, "Rainbow and Rainbow Pro"): Q-values as distribution means, the next action
/// by the target network's mean, the projected target distribution and the per-sample softmax
/// cross-entropy loss. Logits have shape [B, Actions, Atoms] (a <c>QNetwork</c> with Atoms &gt; 1).
/// </summary>
public static class C51
{
    /// <summary>Q(s, a) = sum_i z_i softmax(logits[s, a])_i:
    /// [B, A, N] logits, [N] atoms -&gt; [B, A].</summary>
    public static Tensor Means(Tensor logits, Tensor atoms)
    {
        CheckLogits(logits, atoms);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter((logits.softmax(-1) * atoms).sum(-1));
    }

    /// <summary>argmax_a sum_i z_i p_i(s, a) per row (the first
    /// maximum on ties): [B, A, N] -&gt; [B] int64.</summary>
    public static Tensor GreedyActions(Tensor logits, Tensor atoms)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return scope.MoveToOuter(Means(logits, atoms).argmax(1));
    }

    /// <summary>
    /// The C51 target (no gradient): with p = softmax of the target network's logits at the bootstrap
    /// observations s' [B, A, N], the next action a* = argmax_a mean(p(s', a)) (the target network's
    /// mean; compact Rainbow has no double-DQN selection), and the projection
    /// Phi(returns + discounts z) of p(s', a*)
    /// (<see cref="CategoricalProjection.Project(CategoricalSupport, Tensor, Tensor, Tensor)"/>). returns [B]
    /// are r^(n); discounts [B] are gamma^m, 0 where the episode terminated. Returns [B, N].
    /// </summary>
    public static Tensor TargetDistribution(CategoricalSupport support, Tensor nextTargetLogits, Tensor returns, Tensor discounts, Tensor atoms)
    {
        ArgumentNullException.ThrowIfNull(support);
        CheckLogits(nextTargetLogits, atoms);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var probabilities = nextTargetLogits.detach().softmax(-1);
        var nextActions = (probabilities * atoms).sum(-1).argmax(1);
        var chosen = ChooseAction(probabilities, nextActions);
        return scope.MoveToOuter(CategoricalProjection.Project(support, chosen, returns, discounts));
    }

    /// <summary>
    /// Per-sample loss of Dopamine's Rainbow, <c>softmax_cross_entropy_with_logits</c>:
    /// L_b = -sum_i target[b, i] log softmax(logits[b, a_b])_i, from online logits [B, A, N], taken
    /// actions [B] (int64) and target distributions [B, N] (treated as constants). Returns [B],
    /// differentiable in the logits: weight it by the importance weights, average, and feed its values to
    /// <c>PrioritizedSampler.UpdatePriorities</c>.
    /// </summary>
    public static Tensor CrossEntropy(Tensor onlineLogits, Tensor actions, Tensor targetDistribution)
    {
        ArgumentNullException.ThrowIfNull(onlineLogits);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(targetDistribution);
        if (onlineLogits.dim() != 3)
            throw new ArgumentException($"onlineLogits must have shape [B, A, N]; got [{string.Join(", ", onlineLogits.shape)}].", nameof(onlineLogits));
        long batch = onlineLogits.shape[0], atoms = onlineLogits.shape[2];
        if (actions.dim() != 1 || actions.shape[0] != batch)
            throw new ArgumentException($"actions must have shape [{batch}]; got [{string.Join(", ", actions.shape)}].", nameof(actions));
        if (targetDistribution.dim() != 2 || targetDistribution.shape[0] != batch || targetDistribution.shape[1] != atoms)
            throw new ArgumentException($"targetDistribution must have shape [{batch}, {atoms}]; got [{string.Join(", ", targetDistribution.shape)}].", nameof(targetDistribution));
        using var scope = NewDisposeScope();
        var chosenLogits = ChooseAction(onlineLogits, actions);
        var loss = -(targetDistribution.detach() * chosenLogits.log_softmax(-1)).sum(-1);
        return scope.MoveToOuter(loss);
    }

    /// <summary>Rows x[b, a_b, :] of a [B, A, N] tensor for actions [B] -&gt; [B, N].</summary>
    public static Tensor ChooseAction(Tensor perAction, Tensor actions)
    {
        ArgumentNullException.ThrowIfNull(perAction);
        ArgumentNullException.ThrowIfNull(actions);
        using var scope = NewDisposeScope();
        long atoms = perAction.shape[2];
        var index = actions.to_type(ScalarType.Int64).view(-1, 1, 1).expand(-1, 1, atoms);
        return scope.MoveToOuter(perAction.gather(1, index).squeeze(1));
    }

    static void CheckLogits(Tensor logits, Tensor atoms)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(atoms);
        if (logits.dim() != 3)
            throw new ArgumentException($"logits must have shape [B, A, N]; got [{string.Join(", ", logits.shape)}].", nameof(logits));
        if (atoms.dim() != 1 || atoms.shape[0] != logits.shape[2])
            throw new ArgumentException($"atoms must have shape [{logits.shape[2]}]; got [{string.Join(", ", atoms.shape)}].", nameof(atoms));
    }
}
