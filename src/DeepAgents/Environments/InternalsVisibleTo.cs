using System.Runtime.CompilerServices;

// The environment tests set up game states through internal hooks (e.g. Seaquest's diver count).
[assembly: InternalsVisibleTo("DeepAgents.Tests")]
