using Research.Random;

namespace Research.DeepAgents.Environments.Classic;

/// <summary>
/// CartPole, the Barto-Sutton-Anderson cart-pole with Gym CartPole-v1's constants and Euler integration:
/// push the cart left (action 0) or right (1) with force 10; +1 per step; terminated when |x| &gt; 2.4 or
/// |theta| &gt; 12 degrees; truncated after 500 steps. Observation: Features [1,1,4] = (x, x_dot, theta,
/// theta_dot). The initial state is U[-0.05, 0.05]^4 drawn from the seeded MT19937 stream (in that order).
/// Stepping after the episode is over returns reward 0 with the same flags and changes nothing.
/// </summary>
public sealed class CartPole : IEnvironment, ISnapshotEnvironment
{
    /// <summary>Gravity (m/s^2).</summary>
    public const double Gravity = 9.8;
    /// <summary>Cart mass (kg).</summary>
    public const double MassCart = 1.0;
    /// <summary>Pole mass (kg).</summary>
    public const double MassPole = 0.1;
    /// <summary>Half the pole's length (m).</summary>
    public const double HalfLength = 0.5;
    /// <summary>Magnitude of the push (N).</summary>
    public const double ForceMagnitude = 10.0;
    /// <summary>Integration step (s).</summary>
    public const double Tau = 0.02;
    /// <summary>Cart position limit.</summary>
    public const double XThreshold = 2.4;
    /// <summary>Pole angle limit: 12 degrees in radians.</summary>
    public const double ThetaThreshold = 12 * 2 * Math.PI / 360;
    /// <summary>Episode length limit (truncation).</summary>
    public const int MaxSteps = 500;

    const double TotalMass = MassCart + MassPole, PoleMassLength = MassPole * HalfLength;
    const string SnapshotMagic = "cartpole/1";

    readonly Mt19937 _random;
    bool _terminated, _truncated;

    /// <summary>Seeds the stream (only <see cref="EnvironmentOptions.Seed"/> is used) and resets.</summary>
    public CartPole(EnvironmentOptions? options = null)
    {
        var o = options ?? EnvironmentOptions.Default;
        o.Validate();
        _random = new Mt19937((uint)o.Seed);
        Reset();
    }

    /// <inheritdoc />
    public string Name => "cartpole";

    /// <inheritdoc />
    public ObservationSpec Observation { get; } = new(1, 1, 4, ObservationKind.Features);

    /// <inheritdoc />
    public int ActionCount => 2;

    /// <summary>Cart position.</summary>
    public double X { get; private set; }
    /// <summary>Cart velocity.</summary>
    public double XDot { get; private set; }
    /// <summary>Pole angle (radians, 0 = upright).</summary>
    public double Theta { get; private set; }
    /// <summary>Pole angular velocity.</summary>
    public double ThetaDot { get; private set; }
    /// <summary>Steps taken in this episode.</summary>
    public int Steps { get; private set; }

    /// <summary>Test hook: sets the physical state.</summary>
    internal void SetState(double x, double xDot, double theta, double thetaDot)
    {
        X = x; XDot = xDot; Theta = theta; ThetaDot = thetaDot;
    }

    /// <inheritdoc />
    public void Reset()
    {
        X = Uniform(); XDot = Uniform(); Theta = Uniform(); ThetaDot = Uniform();
        Steps = 0;
        _terminated = _truncated = false;
    }

    double Uniform() => -0.05 + 0.1 * _random.NextDouble();

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The action is not 0 or 1.</exception>
    public StepResult Step(int action)
    {
        if ((uint)action > 1)
            throw new ArgumentOutOfRangeException(nameof(action), action, "cartpole: action must be 0 (push left) or 1 (push right).");
        if (_terminated || _truncated) return new StepResult(0f, _terminated, _truncated);

        double force = action == 1 ? ForceMagnitude : -ForceMagnitude;
        double cos = Math.Cos(Theta), sin = Math.Sin(Theta);
        // Barto, Sutton & Anderson (1983) dynamics, as in Gym.
        double temp = (force + PoleMassLength * ThetaDot * ThetaDot * sin) / TotalMass;
        double thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - MassPole * cos * cos / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cos / TotalMass;
        // Explicit Euler: positions use the old velocities.
        X += Tau * XDot;
        XDot += Tau * xAcc;
        Theta += Tau * ThetaDot;
        ThetaDot += Tau * thetaAcc;
        Steps++;

        _terminated = X < -XThreshold || X > XThreshold || Theta < -ThetaThreshold || Theta > ThetaThreshold;
        _truncated = !_terminated && Steps >= MaxSteps;
        return new StepResult(1f, _terminated, _truncated);
    }

    /// <inheritdoc />
    public void Observe(Span<float> destination)
    {
        if (destination.Length < 4)
            throw new ArgumentException($"Observation buffer has {destination.Length} elements; cartpole needs 4.", nameof(destination));
        destination[0] = (float)X; destination[1] = (float)XDot; destination[2] = (float)Theta; destination[3] = (float)ThetaDot;
    }

    /// <summary>Not supported: CartPole observations are real-valued features.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public void Observe(Span<byte> destination) =>
        throw new InvalidOperationException("cartpole has Features observations; use Observe(Span<float>).");

    /// <inheritdoc />
    public byte[] SaveState() => Snapshot.Save(SnapshotMagic, w =>
    {
        _random.Write(w);
        w.Write(X); w.Write(XDot); w.Write(Theta); w.Write(ThetaDot);
        w.Write(Steps); w.Write(_terminated); w.Write(_truncated);
    });

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state) => Snapshot.Restore(state, SnapshotMagic, "cartpole", r =>
    {
        _random.Read(r);
        X = r.ReadDouble(); XDot = r.ReadDouble(); Theta = r.ReadDouble(); ThetaDot = r.ReadDouble();
        Steps = r.ReadInt32(); _terminated = r.ReadBoolean(); _truncated = r.ReadBoolean();
    });
}
