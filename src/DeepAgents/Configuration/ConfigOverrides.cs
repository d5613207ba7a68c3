using System.Globalization;
using System.Reflection;

namespace Research.DeepAgents.Configuration;

/// <summary>
/// Applies <c>key=value</c> overrides to a <see cref="TrainingConfig"/>. Keys are property names in kebab,
/// camel or Pascal case. Values: integers may use a k/M/G suffix (<c>100k</c>, <c>5M</c>) or an exact
/// exponent (<c>1e6</c>); doubles accept <c>inf</c>; booleans <c>true/false/on/off/1/0</c>; enums their
/// name in any case with or without dashes. Unknown keys and
/// unparsable values throw <see cref="ConfigException"/>.
/// </summary>
public static class ConfigOverrides
{
    /// <summary>Returns <paramref name="config"/> with every <c>key=value</c> of
    /// <paramref name="assignments"/> applied in order (not validated).</summary>
    public static TrainingConfig Apply(TrainingConfig config, IEnumerable<string> assignments)
    {
        foreach (var assignment in assignments)
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0)
                throw new ConfigException("--set", assignment, "key=value with a key from: " + string.Join(", ", ConfigKeys.AllKebab));
            config = Set(config, assignment[..eq].Trim(), assignment[(eq + 1)..].Trim());
        }
        return config;
    }

    /// <summary>Returns <paramref name="config"/> with <paramref name="key"/> set to the parsed
    /// <paramref name="value"/> (not validated).</summary>
    public static TrainingConfig Set(TrainingConfig config, string key, string value)
    {
        var property = ConfigKeys.Find(key)
            ?? throw new ConfigException("--set", key, "a key from: " + string.Join(", ", ConfigKeys.AllKebab));
        object parsed = Parse(property, value);
        var copy = config with { };
        property.SetValue(copy, parsed);
        return copy;
    }

    static object Parse(PropertyInfo property, string value)
    {
        string key = ConfigKeys.Kebab(property.Name);
        var type = property.PropertyType;
        if (type == typeof(string)) return value;
        if (type == typeof(bool))
            return value.ToLowerInvariant() switch
            {
                "true" or "on" or "yes" or "1" => true,
                "false" or "off" or "no" or "0" => false,
                _ => throw new ConfigException(key, value, "true or false"),
            };
        if (type == typeof(double))
        {
            string v = value.ToLowerInvariant();
            if (v is "inf" or "infinity" or "+inf" or "∞") return double.PositiveInfinity;
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && !double.IsNaN(d)) return d;
            throw new ConfigException(key, value, "a number (or inf)");
        }
        if (type == typeof(int) || type == typeof(long))
        {
            long max = type == typeof(int) ? int.MaxValue : long.MaxValue;
            long min = type == typeof(int) ? int.MinValue : long.MinValue;
            if (TryParseCount(value, out long n) && n >= min && n <= max)
                return type == typeof(int) ? (object)(int)n : n;
            throw new ConfigException(key, value, $"an integer (suffix k, M or G allowed) in [{min}, {max}]");
        }
        if (type.IsEnum)
        {
            string normal = value.Replace("-", "").Replace("_", "");
            foreach (var name in Enum.GetNames(type))
                if (string.Equals(name, normal, StringComparison.OrdinalIgnoreCase))
                    return Enum.Parse(type, name);
            throw new ConfigException(key, value, "one of " + string.Join(", ", Enum.GetNames(type).Select(ConfigKeys.Kebab)));
        }
        throw new InvalidOperationException($"config key {key} has unsupported type {type.Name}");
    }

    /// <summary>Parses <c>123</c>, <c>100k</c>, <c>5M</c>,
    /// <c>2G</c>, <c>1e6</c> (the last only when exact).</summary>
    public static bool TryParseCount(string text, out long value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text)) return false;
        long multiplier = char.ToLowerInvariant(text[^1]) switch { 'k' => 1_000, 'm' => 1_000_000, 'g' => 1_000_000_000, _ => 1 };
        string digits = multiplier == 1 ? text : text[..^1];
        if (long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n))
        {
            try { value = checked(n * multiplier); return true; }
            catch (OverflowException) { return false; }
        }
        if (double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            double scaled = d * multiplier;
            if (scaled == Math.Floor(scaled) && Math.Abs(scaled) < 9.2e18) { value = (long)scaled; return true; }
        }
        return false;
    }
}
