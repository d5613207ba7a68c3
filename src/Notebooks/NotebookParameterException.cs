namespace Research.Notebooks;

/// <summary>
/// A bad <c>-p name=value</c>: malformed, unknown to the notebook or ill-typed. An
/// <see cref="ArgumentException"/>, so <c>prox</c> exits with code 2 (usage); the message names the
/// flag, the value given and what is allowed, as every usage error of <c>prox</c> does.
/// </summary>
public sealed class NotebookParameterException(string flag, string value, string allowed)
    : ArgumentException($"invalid value for {flag}: '{value}'. Allowed: {allowed}.");
