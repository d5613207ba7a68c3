using System.Globalization;
using System.Reflection;
using System.Text;

namespace Research.DeepAgents.Configuration;

/// <summary>The settable keys of <see cref="TrainingConfig"/> and their spellings.</summary>
public static class ConfigKeys
{
    /// <summary>Settable properties (public with an init accessor), in declaration order.</summary>
    public static IReadOnlyList<PropertyInfo> Properties { get; } =
        typeof(TrainingConfig).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.SetMethod!.IsPublic)
            .OrderBy(p => p.MetadataToken)
            .ToArray();

    /// <summary>PascalCase property name to kebab case: <c>MinReplayHistory</c> -> <c>min-replay-history</c>,
    /// <c>CTilde</c> -> <c>c-tilde</c>.</summary>
    public static string Kebab(string propertyName)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < propertyName.Length; i++)
        {
            char c = propertyName[i];
            if (char.IsUpper(c) && i > 0) sb.Append('-');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>Finds the property for <paramref name="key"/> in
    /// kebab, camel, Pascal or snake case, or null.</summary>
    public static PropertyInfo? Find(string key)
    {
        string normal = Normalise(key);
        return Properties.FirstOrDefault(p => Normalise(p.Name) == normal);
    }

    /// <summary>All keys in kebab case, for error messages and help.</summary>
    public static IEnumerable<string> AllKebab => Properties.Select(p => Kebab(p.Name));

    /// <summary>A value as config.json and error messages print
    /// it (invariant culture, round-trip precision).</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        double d when double.IsPositiveInfinity(d) => "inf",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static string Normalise(string key) => key.Replace("-", "").Replace("_", "").ToLowerInvariant();
}
