namespace Research.Cli;

/// <summary>
/// Bad input from the user. The CLI prints the message and exits with code 2. The message names the
/// flag (or key), the value given and what is allowed.
/// </summary>
public sealed class UsageException(string flag, string value, string allowed)
    : Exception($"invalid value for {flag}: '{value}'. Allowed: {allowed}.")
{
    /// <summary>The flag or config key at fault, e.g. <c>--gamma</c>.</summary>
    public string Flag { get; } = flag;

    /// <summary>The value the user gave.</summary>
    public string Value { get; } = value;

    /// <summary>A description of the allowed values.</summary>
    public string Allowed { get; } = allowed;
}
