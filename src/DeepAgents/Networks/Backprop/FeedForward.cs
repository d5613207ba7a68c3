using Research.DeepAgents.Parameters;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.DeepAgents.Networks.Backprop;

/// <summary>
/// A network of a <see cref="LayerPlan"/> run by hand-derived kernels for one batch size, without autograd:
/// <see cref="Forward"/> keeps every layer's activation, <see cref="Backward"/> turns dL/dQ into the gradient
/// of every parameter, written straight into the network's flat gradient buffer. Dense products go to
/// libtorch's BLAS (<c>addmm_</c> into preallocated tensors: no graph, no allocation of data); the first
/// convolution runs on the nonzero input cells only (<see cref="SparseConv3x3"/>);
/// biases, ReLU and its mask are single passes here.
/// <para>Backward, per dense layer l with input x_l and dz_l = dL/dz_l: dW_l = dz_l^T x_l, db_l = sum_b dz_l,
/// dz_{l-1} = (dz_l W_l) * [x_l &gt; 0] (x_l is the previous layer's ReLU output, so x_l &gt; 0 is exactly
/// ReLU's derivative); the convolution then takes dz of its own output.</para>
/// </summary>
public sealed class FeedForward : IDisposable
{
    readonly LayerPlan _plan;
    readonly FlatParameters _parameters;
    readonly Tensor? _input;          // [B, inputs] copy of the observations when the first layer is dense
    readonly Tensor? _convOut;        // [B, features]: relu(conv(x)), NCHW flatten
    readonly Tensor? _convGradient;   // [B, features]: dL/dz of the convolution
    readonly Tensor[] _z;             // per dense layer [B, out]: relu(x W^T + b) (the head: x W^T + b)
    readonly Tensor[] _dz;            // per dense layer [B, out]: dL/dz
    readonly Tensor[] _weights;       // per dense layer W [out, in], a view of the flat values
    readonly Tensor[] _weightsT;      // W^T views
    readonly Tensor[] _weightGradients; // dW views of the flat gradients
    readonly float[] _scratch;

    /// <summary>Allocates the activations of <paramref name="batch"/> observations for the network whose flat
    /// buffers are <paramref name="parameters"/>.</summary>
    public FeedForward(LayerPlan plan, FlatParameters parameters, int batch)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (!TensorSpans.Applies(parameters.Values) || !TensorSpans.Applies(parameters.Gradients))
            throw new ArgumentException("hand-derived kernels need float32 CPU parameters.", nameof(parameters));
        _plan = plan;
        _parameters = parameters;
        Batch = batch;
        if (plan.Conv is { } conv)
        {
            _convOut = zeros(batch, conv.Features);
            _convGradient = zeros(batch, conv.Features);
            _scratch = new float[SparseConv3x3.ScratchSize(conv)];
        }
        else
        {
            _input = zeros(batch, plan.InputSize);
            _scratch = [];
        }
        int n = plan.Dense.Count;
        _z = new Tensor[n];
        _dz = new Tensor[n];
        _weights = new Tensor[n];
        _weightsT = new Tensor[n];
        _weightGradients = new Tensor[n];
        for (int l = 0; l < n; l++)
        {
            var d = plan.Dense[l];
            _z[l] = zeros(batch, d.Outputs);
            _dz[l] = zeros(batch, d.Outputs);
            _weights[l] = parameters.Values.narrow(0, d.Weight.Offset, d.Weight.Count).view(d.Outputs, d.Inputs);
            _weightsT[l] = _weights[l].t();
            _weightGradients[l] = parameters.Gradients.narrow(0, d.Weight.Offset, d.Weight.Count).view(d.Outputs, d.Inputs);
        }
    }

    /// <summary>Observations per call.</summary>
    public int Batch { get; }

    /// <summary>Number of Q-values per observation.</summary>
    public int Actions => _plan.Actions;

    /// <summary>The Q-values [B, A] of the last <see cref="Forward"/> (valid until the next call).</summary>
    public ReadOnlySpan<float> Q => TensorSpans.Span(_z[^1]);

    /// <summary>
    /// Q(s, .) for <see cref="Batch"/> observations <paramref name="observations"/> [B, C*H*W] (the network's
    /// float encoding) with the current parameter values; returns <see cref="Q"/>.
    /// </summary>
    public ReadOnlySpan<float> Forward(ReadOnlySpan<float> observations)
    {
        if (observations.Length != Batch * _plan.InputSize)
            throw new ArgumentException($"observations has {observations.Length} values; {Batch} observations of {_plan.InputSize} need {Batch * _plan.InputSize}.", nameof(observations));
        var values = TensorSpans.Span(_parameters.Values);
        Tensor x;
        if (_plan.Conv is { } conv)
        {
            SparseConv3x3.Forward(conv, Batch, observations, Segment(values, conv.Weight), Segment(values, conv.Bias), TensorSpans.Span(_convOut!), _scratch);
            x = _convOut!;
        }
        else
        {
            observations.CopyTo(TensorSpans.Span(_input!));
            x = _input!;
        }
        using var scope = NewDisposeScope();  // addmm_ may hand back a fresh wrapper of the same tensor
        for (int l = 0; l < _z.Length; l++)
        {
            var d = _plan.Dense[l];
            _z[l].addmm_(x, _weightsT[l], beta: 0f, alpha: 1f);
            VectorOps.AddBias(TensorSpans.Span(_z[l]), Segment(values, d.Bias), d.Relu);
            x = _z[l];
        }
        return Q;
    }

    /// <summary>
    /// Writes dL/dtheta for every parameter into the flat gradient buffer (overwriting it), given
    /// <paramref name="qGradient"/> = dL/dQ [B, A] for the observations of the last <see cref="Forward"/>
    /// (<paramref name="observations"/> must be the same). Parameter values must not change in between.
    /// </summary>
    public void Backward(ReadOnlySpan<float> observations, ReadOnlySpan<float> qGradient)
    {
        if (qGradient.Length != Batch * Actions)
            throw new ArgumentException($"qGradient has {qGradient.Length} values; expected {Batch} x {Actions}.", nameof(qGradient));
        var gradients = TensorSpans.Span(_parameters.Gradients);
        qGradient.CopyTo(TensorSpans.Span(_dz[^1]));
        using var scope = NewDisposeScope();
        for (int l = _z.Length - 1; l >= 0; l--)
        {
            var d = _plan.Dense[l];
            var input = l > 0 ? _z[l - 1] : _convOut ?? _input!;
            _weightGradients[l].addmm_(_dz[l].t(), input, beta: 0f, alpha: 1f);
            VectorOps.ColumnSums(TensorSpans.Span(_dz[l]), Segment(gradients, d.Bias));
            var inputGradient = l > 0 ? _dz[l - 1] : _convGradient;
            if (inputGradient is null) continue;  // an MLP's first layer: no gradient into the observations
            inputGradient.addmm_(_dz[l], _weights[l], beta: 0f, alpha: 1f);
            VectorOps.MaskByPositive(TensorSpans.Span(inputGradient), TensorSpans.Span(input));
        }
        if (_plan.Conv is { } conv)
            SparseConv3x3.WeightGradient(conv, Batch, observations, TensorSpans.Span(_convGradient!),
                Segment(gradients, conv.Weight), Segment(gradients, conv.Bias), _scratch);
    }

    static Span<float> Segment(Span<float> flat, ParameterSegment s) => flat.Slice((int)s.Offset, (int)s.Count);

    /// <inheritdoc />
    public void Dispose()
    {
        _input?.Dispose();
        _convOut?.Dispose();
        _convGradient?.Dispose();
        foreach (var t in _z) t.Dispose();
        foreach (var t in _dz) t.Dispose();
        foreach (var t in _weightsT) t.Dispose();
        foreach (var t in _weights) t.Dispose();
        foreach (var t in _weightGradients) t.Dispose();
    }
}
