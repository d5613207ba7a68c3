namespace Research.Notebooks;

/// <summary>
/// A bad <c>-p name=value</c>: malformed, unknown to the notebook or ill-typed. An
/// <see cref="ArgumentException"/>, so <c>prox</c> exits with code 2 (usage); the message names the
/// flag, the value given and what is allowed.
/// </summary>
public sealed class NotebookParameterException(string flag, string value, string allowed)
    : ArgumentException($"invalid value for {flag}: '{value}'. Allowed: {allowed}.")
{
    /// <summary>The flag at fault, e.g. <c>-p</c> or <c>-p episodes</c>.</summary>
    public string Flag { get; } = flag;

    /// <summary>The value given.</summary>
    public string Value { get; } = value;

    /// <summary>What is allowed.</summary>
    public string Allowed { get; } = allowed;
}
