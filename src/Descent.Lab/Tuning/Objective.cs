namespace Descent.Lab.Tuning;

/// <summary>Whether a study looks for the smallest or the largest objective.</summary>
public enum Direction
{
    /// <summary>Smaller is better (losses).</summary>
    Minimize,

    /// <summary>Larger is better (accuracies).</summary>
    Maximize,
}

/// <summary>
/// What a trial is judged by: a recorded metric (<c>test_accuracy</c>, <c>test_loss</c>, <c>train_loss</c>,
/// <c>train_accuracy</c>) taken at the last epoch (<c>final</c>) or at its best epoch (<c>best</c>), averaged over the
/// trial's seeds.
/// </summary>
/// <param name="Metric">The metric's name.</param>
/// <param name="AtBest">True for "at: best", false for "at: final".</param>
/// <param name="Direction">Whether the study minimizes or maximizes it.</param>
public sealed record Objective(string Metric, bool AtBest, Direction Direction)
{
    /// <summary>The metrics a study can optimize.</summary>
    public static readonly IReadOnlyList<string> Metrics = ["test_accuracy", "test_loss", "train_loss", "train_accuracy"];

    /// <summary>The metric's value in one epoch's results.</summary>
    public double Read(Training.EpochResult epoch) => Metric switch
    {
        "test_accuracy" => epoch.TestAccuracy,
        "test_loss" => epoch.TestLoss,
        "train_loss" => epoch.TrainLoss,
        "train_accuracy" => epoch.TrainAccuracy,
        _ => throw new InvalidOperationException($"unknown metric '{Metric}'"),
    };

    /// <summary>Whether <paramref name="a"/> is strictly better than <paramref name="b"/> (NaN is never better).</summary>
    public bool Better(double a, double b) =>
        !double.IsNaN(a) && (double.IsNaN(b) || (Direction == Direction.Minimize ? a < b : a > b));

    /// <summary>The objective of one run from its per-epoch history: the last epoch's metric, or the best epoch's.</summary>
    public double Of(IReadOnlyList<Training.EpochResult> history)
    {
        if (history.Count == 0) return double.NaN;
        if (!AtBest) return Read(history[^1]);
        double best = double.NaN;
        foreach (var e in history) if (Better(Read(e), best)) best = Read(e);
        return best;
    }

    /// <summary>The value as the sampler sees it: smaller is better (the negated value when maximizing).</summary>
    public double Loss(double value) => Direction == Direction.Minimize ? value : -value;
}
