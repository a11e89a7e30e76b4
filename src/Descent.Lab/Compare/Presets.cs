using Descent.Lab.Schedules;
using Descent.Lab.Training;

namespace Descent.Lab.Compare;

/// <summary>Named sets of optimizers, usable wherever an optimizer list is.</summary>
public static class Presets
{
    /// <summary>
    /// The seven optimizers of the lecture notes (SGD, momentum, Nesterov, AdaGrad, AdaDelta, RMSProp, Adam) with
    /// learning rates that work on fmnist-mlp (batch 128), those of the PyTorch reference script: sgd 0.1,
    /// momentum 0.05 (μ 0.9), nesterov 0.05 (μ 0.9), adagrad 0.01, adadelta 1.0, rmsprop 1e-3, adam 1e-3.
    /// </summary>
    public static IReadOnlyList<OptimizerEntry> Lectures { get; } =
    [
        new("sgd", Spec("sgd", ("lr", 0.1))),
        new("momentum", Spec("sgd", ("lr", 0.05), ("momentum", 0.9))),
        new("nesterov", Spec("sgd", ("lr", 0.05), ("momentum", 0.9), ("nesterov", true))),
        new("adagrad", Spec("adagrad", ("lr", 0.01))),
        new("adadelta", Spec("adadelta", ("lr", 1.0))),
        new("rmsprop", Spec("rmsprop", ("lr", 1e-3))),
        new("adam", Spec("adam", ("lr", 1e-3))),
    ];

    /// <summary>
    /// The lecture notes' "scheduled learning": SGD with momentum (lr 0.05) five ways — momentum fixed at 0.9; momentum
    /// ramped linearly from 0.5 to 0.9 over the run, per epoch; step decay of the learning rate (halved every
    /// 2 epochs); cosine annealing of the learning rate to 0 over the run, per step; and the one-cycle policy (lr up to
    /// 0.1 and back down while momentum cycles 0.95 → 0.85 → 0.95, per step). Every schedule's length is the run's.
    /// </summary>
    public static IReadOnlyList<OptimizerEntry> Schedules { get; } =
    [
        new("momentum 0.9", Spec("sgd", ("lr", 0.05), ("momentum", 0.9))),
        new("momentum 0.5→0.9", Spec("sgd", ("lr", 0.05), ("momentum", 0.5)), [ScheduleSpec.Parse("momentum=ramp:start=0.5,end=0.9@epoch")]),
        new("step decay", Spec("sgd", ("lr", 0.05), ("momentum", 0.9)), [ScheduleSpec.Parse("step:step_size=2,gamma=0.5@epoch")]),
        new("cosine", Spec("sgd", ("lr", 0.05), ("momentum", 0.9)), [ScheduleSpec.Parse("cosine@step")]),
        new("one-cycle", Spec("sgd", ("lr", 0.05), ("momentum", 0.9)), [ScheduleSpec.Parse("onecycle:max_lr=0.1")]),
    ];

    /// <summary>
    /// The optimizers people train with now, against an AdamW baseline, with rates that are each reference's advice
    /// for a small network: AdamW 1e-3 (weight decay 0.01), Lion 1e-4 (weight decay 0.1: its lr is 3–10× smaller and
    /// its decay larger than AdamW's), Schedule-Free AdamW 2.5e-3, Muon 0.02 (its auxiliary AdamW, for biases, 1e-3),
    /// Adafactor 1e-2 (a relative step), LAMB 1e-2, Prodigy 1 (the rate is estimated) and AdEMAMix 1e-3.
    /// </summary>
    public static IReadOnlyList<OptimizerEntry> Modern { get; } =
    [
        new("adamw", Spec("adamw", ("lr", 1e-3))),
        new("lion", Spec("lion", ("lr", 1e-4), ("weight_decay", 0.1))),
        new("schedule-free adamw", Spec("adamwschedulefree", ("lr", 2.5e-3))),
        new("muon", Spec("muon", ("lr", 0.02), ("adam_lr", 1e-3))),
        new("adafactor", Spec("adafactor", ("lr", 1e-2))),
        new("lamb", Spec("lamb", ("lr", 1e-2))),
        new("prodigy", Spec("prodigy", ("lr", 1.0))),
        new("ademamix", Spec("ademamix", ("lr", 1e-3))),
    ];

    private static readonly Dictionary<string, IReadOnlyList<OptimizerEntry>> All = new(StringComparer.OrdinalIgnoreCase)
    {
        ["lectures"] = Lectures,
        ["schedules"] = Schedules,
        ["modern"] = Modern,
    };

    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Keys];

    /// <summary>The preset called <paramref name="name"/>, if there is one.</summary>
    public static bool TryGet(string name, out IReadOnlyList<OptimizerEntry> entries)
    {
        entries = All.TryGetValue(name.Trim(), out var found) ? found : [];
        return entries.Count > 0;
    }

    /// <summary>The preset called <paramref name="name"/>; an unknown name is an error listing the presets.</summary>
    public static IReadOnlyList<OptimizerEntry> Get(string name) =>
        TryGet(name, out var entries) ? entries : throw new ArgumentException($"unknown preset '{name}'; presets: {string.Join(", ", Names)}");

    internal static OptimizerSpec Spec(string name, params (string Key, object Value)[] options) =>
        new(name, options.ToDictionary(o => o.Key, o => o.Value));
}
