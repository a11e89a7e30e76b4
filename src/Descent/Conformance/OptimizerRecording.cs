using System.Text.Json;
using Descent.Optim;

namespace Descent.Conformance;

/// <summary>
/// A file of optimizer trajectories: for each case, an optimizer and its keyword options, the initial parameters,
/// the gradient set before every step (or, closed loop, a loss to step through), and the parameters and optionally
/// the per-parameter state, the group scalars and the evaluation-point parameters after every step. It is the format of <c>descent check optimizers FILE.json</c> and of the project's own fixture, written by
/// <c>tools/fixtures/record_optimizers.py</c> and described in <c>docs/conformance-format.md</c>.
/// <see cref="OptimizerReplay"/> replays a case.
/// </summary>
/// <param name="Torch">The torch version that recorded the file.</param>
/// <param name="Dtype">The element type of every tensor; always "float32".</param>
/// <param name="Cases">The recorded cases, in file order.</param>
public sealed record OptimizerRecording(string Torch, string Dtype, IReadOnlyList<OptimizerCase> Cases)
{
    /// <summary>
    /// Reads and validates <paramref name="path"/>: a malformed file is a <see cref="RecordingFormatException"/>
    /// naming the path and the JSON location; a missing one a <see cref="FileNotFoundException"/>.
    /// </summary>
    public static OptimizerRecording Load(string path) => Parse(JsonRecordingReader.ReadFile(path), path);

    /// <summary>Parses a recording; <paramref name="path"/> only names the source in error messages.</summary>
    public static OptimizerRecording Parse(ReadOnlyMemory<byte> utf8Json, string path)
    {
        using var doc = JsonRecordingReader.ParseDocument(utf8Json, path, maxDepth: 16);
        return new OptimizerRecordingReader(path).Recording(doc.RootElement);
    }
}

/// <summary>One recorded optimizer run.</summary>
/// <param name="Name">A readable name, unique in the file; when the file gives none, the optimizer and its options as a torch call.</param>
/// <param name="Optimizer">The class name, such as "Adam" (torch.optim's, or a reference implementation's such as "Lion").</param>
/// <param name="Options">
/// Keyword options, in file order: each value a double, a bool, a string, a double[], a double?[] (an array holding
/// None), a nested <see cref="IReadOnlyDictionary{TKey, TValue}"/> of the same kinds (Lookahead's inner
/// <c>options</c>), or <see cref="TorchOptions.None"/> (Python's None).
/// </param>
/// <param name="Shapes">One parameter tensor per shape, all in one parameter group.</param>
/// <param name="LrHalvedBeforeStep">1-based step before which the lr of every group is multiplied by 0.5, or null.</param>
/// <param name="Init">The initial values of each tensor, flattened row-major.</param>
/// <param name="Grads">
/// Per step, per tensor: the gradient set before the step, or null for none (the optimizer skips the tensor); null
/// for a closed-loop case, whose gradients come from <see cref="Loss"/>.
/// </param>
/// <param name="ParamsAfterStep">Per step, per tensor: the parameters after the step.</param>
/// <param name="StateAfterStep">Per step, per tensor: the optimizer's <c>state[p]</c> after the step (empty before any); null when not recorded.</param>
public sealed record OptimizerCase(
    string Name,
    string Optimizer,
    IReadOnlyDictionary<string, object> Options,
    IReadOnlyList<int[]> Shapes,
    int? LrHalvedBeforeStep,
    IReadOnlyList<float[]> Init,
    IReadOnlyList<IReadOnlyList<float[]?>>? Grads,
    IReadOnlyList<IReadOnlyList<float[]>> ParamsAfterStep,
    IReadOnlyList<IReadOnlyList<IReadOnlyDictionary<string, TorchStateValue>>>? StateAfterStep)
{
    /// <summary>The number of recorded steps.</summary>
    public int Steps => ParamsAfterStep.Count;

    /// <summary>
    /// Per step, the scalars of the first parameter group after the step (schedule-free's <c>k</c>, <c>weight_sum</c>,
    /// ...; a bool as 1 or 0), compared with <see cref="ParamGroup.Scalars"/>; null when not recorded.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>>? GroupAfterStep { get; init; }

    /// <summary>
    /// Per step, per tensor: the parameters after <c>optimizer.eval()</c> at that point (the schedule-free evaluation
    /// point), compared through <see cref="ITrainEvalSwitch"/>; null when not recorded.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<float[]>>? EvalParamsAfterStep { get; init; }

    /// <summary>The loss of a closed-loop case (no <see cref="Grads"/>): the optimizer steps through a closure over it.</summary>
    public QuadraticLoss? Loss { get; init; }

    /// <summary>
    /// A closed-loop case: per step, per closure call, per tensor, the gradient the loss gave (SAM: at θ and at the
    /// perturbed point); null when not recorded.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<IReadOnlyList<float[]>>>? GradsSeen { get; init; }

    /// <summary>Informational: the seed the recording script drew the data with, or null.</summary>
    public long? Seed { get; init; }

    /// <summary>Informational: the scale of the initial values, or null.</summary>
    public double? InitScale { get; init; }

    /// <summary>Informational: the constant added to every gradient, or null.</summary>
    public double? GradOffset { get; init; }

    /// <summary>Informational: the (1-based step, 0-based tensor) pairs whose gradient is None; checked against <see cref="Grads"/>.</summary>
    public IReadOnlyList<(int Step, int Tensor)>? GradNoneAt { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The kind of one entry of torch's per-parameter optimizer state.</summary>
public enum TorchStateKind
{
    /// <summary>A Python number or bool (as 1 or 0), or a 0-dimensional tensor ("step", ASGD "eta" and "mu", NAdam "mu_product").</summary>
    Number,

    /// <summary>A tensor, flattened: parameter-shaped ("exp_avg", "momentum_buffer", ...) or not (Adafactor's "row_var").</summary>
    Tensor,

    /// <summary>None, as SGD's "momentum_buffer" when momentum is 0.</summary>
    None,
}

/// <summary>One entry of torch's per-parameter optimizer state.</summary>
/// <param name="Kind">Which of the fields holds the value.</param>
/// <param name="Number">The value of a <see cref="TorchStateKind.Number"/> entry.</param>
/// <param name="Values">The elements of a <see cref="TorchStateKind.Tensor"/> entry.</param>
public sealed record TorchStateValue(TorchStateKind Kind, double Number, float[]? Values);

