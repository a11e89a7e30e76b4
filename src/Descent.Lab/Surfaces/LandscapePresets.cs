using Descent.Lab.Compare;
using Descent.Lab.Training;

namespace Descent.Lab.Surfaces;

/// <summary>
/// The optimizers a landscape draws by default, and the learning rates that suit each surface.
/// </summary>
/// <remarks>
/// <para>The lesson of the lecture notes' pathological-curvature picture is that momentum, with the <em>same</em>
/// step size as plain gradient descent, goes further along the shallow direction and damps the zig-zag across the
/// steep one. So SGD, momentum and Nesterov always share one learning rate on a surface (the SGD family's rate),
/// and only the momentum coefficient μ tells them apart. The adaptive methods (AdaGrad, AdaDelta, RMSprop, Adam)
/// rescale each coordinate by its own gradient history, so a common rate means nothing for them: each takes a
/// rate of its own that shows its usual behaviour on that surface without diverging.</para>
/// <para>On the ill-conditioned quadratic ½(x² + κy²) the SGD family's rate is η = 1.2/κ: SGD's steps overshoot
/// across the steep y direction (y is multiplied by 1 − ηκ = −0.2 per step: a zig-zag) and move along the shallow
/// x direction by only η of the remaining way per step (a crawl: after 100 steps at κ = 100 it has covered 70% of
/// it). Momentum's μ is (1 − √η)² rounded to one decimal (0.8 at κ = 100): the critical damping of the shallow
/// direction, where the heavy ball covers it fastest without overshooting the minimum and circling it. Nesterov is
/// stable only below ηκ = 2(1 + μ)/(1 + 2μ) ≈ 1.38 at μ = 0.8, so the rate stays under it.</para>
/// </remarks>
public static class LandscapePresets
{
    /// <summary>The learning rates for one surface and the momentum coefficient of momentum and Nesterov.</summary>
    /// <param name="Sgd">The rate shared by SGD, momentum and Nesterov (and any SGD-family optimizer).</param>
    /// <param name="Momentum">μ of the momentum and Nesterov entries of <see cref="Lectures"/>.</param>
    /// <param name="Adagrad">AdaGrad's rate.</param>
    /// <param name="Adadelta">AdaDelta's rate (a multiplier of its unit-corrected step).</param>
    /// <param name="Rmsprop">RMSprop's rate.</param>
    /// <param name="Adam">The rate of Adam and its variants (AdamW, Adamax, NAdam, RAdam).</param>
    /// <param name="Steps">The steps a landscape of this surface takes by default.</param>
    public sealed record SurfaceRates(double Sgd, double Momentum, double Adagrad, double Adadelta, double Rmsprop, double Adam, int Steps);

    /// <summary>The SGD family's rate on the quadratic, times 1/κ.</summary>
    public const double QuadraticSgdRateTimesKappa = 1.2;

    private static readonly Dictionary<string, SurfaceRates> Rates = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rosenbrock"] = new(Sgd: 1e-3, Momentum: 0.9, Adagrad: 1.0, Adadelta: 1.0, Rmsprop: 0.03, Adam: 0.1, Steps: 300),
        ["beale"] = new(Sgd: 1e-3, Momentum: 0.9, Adagrad: 1.0, Adadelta: 1.0, Rmsprop: 0.01, Adam: 0.1, Steps: 300),
        ["booth"] = new(Sgd: 0.01, Momentum: 0.9, Adagrad: 1.0, Adadelta: 1.0, Rmsprop: 0.1, Adam: 0.1, Steps: 300),
        ["rastrigin"] = new(Sgd: 1e-3, Momentum: 0.9, Adagrad: 0.3, Adadelta: 1.0, Rmsprop: 0.1, Adam: 0.1, Steps: 300),
        ["saddle"] = new(Sgd: 0.01, Momentum: 0.9, Adagrad: 0.1, Adadelta: 1.0, Rmsprop: 0.01, Adam: 0.01, Steps: 300),
        ["quadratic"] = new(Sgd: double.NaN, Momentum: double.NaN, Adagrad: 0.3, Adadelta: 1.0, Rmsprop: 0.01, Adam: 0.05, Steps: 100),
    };

    /// <summary>
    /// The rates for <paramref name="surface"/>: a table per named surface; on the quadratic the SGD family's rate
    /// is η = <see cref="QuadraticSgdRateTimesKappa"/>/κ and μ = (1 − √η)² to one decimal (within [0.1, 0.9]), so
    /// the picture keeps its lesson at any κ. An unknown surface takes the quadratic's adaptive rates and SGD rate 0.01.
    /// </summary>
    public static SurfaceRates For(Surface surface)
    {
        ArgumentNullException.ThrowIfNull(surface);
        var rates = Rates.TryGetValue(surface.Name, out var r) ? r : Rates["quadratic"] with { Sgd = 0.01, Steps = 300 };
        if (surface is not IllConditionedQuadratic q) return rates;
        double lr = QuadraticSgdRateTimesKappa / q.Kappa;
        return rates with { Sgd = lr, Momentum = Math.Clamp(Math.Round(Math.Pow(1 - Math.Sqrt(lr), 2), 1), 0.1, 0.9) };
    }

    /// <summary>The steps a landscape of <paramref name="surface"/> takes by default.</summary>
    public static int Steps(Surface surface) => For(surface).Steps;

    /// <summary>
    /// The lecture notes' seven optimizers on <paramref name="surface"/>: SGD, momentum and Nesterov with the
    /// surface's one SGD-family rate (momentum and Nesterov with its μ), AdaGrad, AdaDelta, RMSprop and Adam with
    /// rates of their own (see <see cref="For"/>).
    /// </summary>
    public static IReadOnlyList<OptimizerEntry> Lectures(Surface surface)
    {
        var rates = For(surface);
        return Presets.Lectures.Select(e =>
        {
            var options = new Dictionary<string, object>(e.Spec.Options) { ["lr"] = Rate(rates, e.Spec.Name)! };
            if (options.ContainsKey("momentum")) options["momentum"] = rates.Momentum;
            return e with { Spec = e.Spec with { Options = options } };
        }).ToList();
    }

    /// <summary>
    /// The optimizers of a comparison, made fit to draw on <paramref name="surface"/>: each entry keeps its label,
    /// its optimizer and every option but the learning rate (momentum, dampening, nesterov, betas, eps, weight
    /// decay, ...), and takes the surface's rate for its optimizer's family instead, because rates tuned for a
    /// network usually diverge on a 2-D test function.
    /// </summary>
    /// <remarks>
    /// The rule, by the torch name of the optimizer: SGD and ASGD take the SGD family's rate (one rate for all of
    /// them, so entries that differ only in momentum show what momentum does); Adagrad, Adadelta and RMSprop take
    /// their own rates; Adam, AdamW, Adamax, NAdam, RAdam, AdEMAMix and LAMB take Adam's. Optimizers of no family keep
    /// their own rate: Rprop adapts its steps, LBFGS searches along its direction, Prodigy estimates its rate,
    /// Adafactor's step is relative to ‖θ‖, Lion's is η per coordinate. Muon is degenerate here: a 2-D point is a
    /// vector, not a matrix, so Muon steps it with its auxiliary AdamW (adam_lr) — draw AdamW instead.
    /// </remarks>
    public static IReadOnlyList<OptimizerEntry> ForComparison(Surface surface, IReadOnlyList<OptimizerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var rates = For(surface);
        return entries.Select(e => Rate(rates, e.Spec.Name) is double lr
            ? e with { Spec = e.Spec with { Options = new Dictionary<string, object>(e.Spec.Options) { ["lr"] = lr } } }
            : e).ToList();
    }

    /// <summary>The rate of <paramref name="optimizer"/>'s family (torch name, any case), or null when it has none.</summary>
    public static double? Rate(SurfaceRates rates, string optimizer) => optimizer.ToLowerInvariant() switch
    {
        "sgd" or "asgd" => rates.Sgd,
        "adagrad" => rates.Adagrad,
        "adadelta" => rates.Adadelta,
        "rmsprop" => rates.Rmsprop,
        "adam" or "adamw" or "adamax" or "nadam" or "radam" or "ademamix" or "lamb" => rates.Adam,
        _ => null,
    };
}
