namespace Research.DeepAgents.Configuration;

/// <summary>
/// An invalid configuration value. The message names the key (kebab case, as typed after <c>--set</c>),
/// the value and what is allowed; the CLI prints it and exits with code 2.
/// </summary>
public sealed class ConfigException(string key, string value, string allowed)
    : ArgumentException($"invalid value for {key}: '{value}'. Allowed: {allowed}.")
{
    /// <summary>The key at fault, kebab case (e.g. <c>batch-size</c>).</summary>
    public string Key { get; } = key;
    /// <summary>The value given.</summary>
    public string Value { get; } = value;
    /// <summary>What is allowed.</summary>
    public string Allowed { get; } = allowed;
}
