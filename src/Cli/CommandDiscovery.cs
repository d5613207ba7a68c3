using System.CommandLine;

namespace Research.Cli;

/// <summary>Finds the commands of this assembly by reflection
/// (the top-level ones and those of <c>env</c>).</summary>
internal static class CommandDiscovery
{
    /// <summary>
    /// One instance of every concrete class in this assembly implementing <typeparamref name="T"/> (each
    /// with a public parameterless constructor), ordered by <paramref name="order"/>, built by
    /// <paramref name="build"/>.
    /// </summary>
    public static IEnumerable<Command> BuildAll<T>(Func<T, int> order, Func<T, Command> build) =>
        typeof(T).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(T).IsAssignableFrom(t))
            .Select(t => (T)Activator.CreateInstance(t)!)
            .OrderBy(order)
            .Select(build);
}
