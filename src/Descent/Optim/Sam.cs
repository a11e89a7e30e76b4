using Descent.Nn;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// Hyper-parameters of <see cref="Sam"/>, with the reference implementation's names and defaults. Its learning rate
/// is the base optimizer's: the lr keyword (and any other keyword not in this table) goes to the base optimizer.
/// </summary>
[Keywords(Omitted = ["lr"])]
public sealed class SamOptions : OptimizerOptions
{
    /// <summary>ρ, the radius of the neighbourhood whose worst point is sought, ≥ 0 (default 0.05).</summary>
    [Hyper("rho", "radius of the neighbourhood whose worst point the gradient is taken at", Symbol = "ρ", Must = Must.BeNonNegative)]
    public double Rho { get; set => field = Checked(value); } = 0.05;

    /// <summary>Adaptive SAM (Kwon et al., 2021): the neighbourhood scaled by |θ| per coordinate (default false).</summary>
    [Hyper("adaptive", "adaptive SAM: the neighbourhood scaled by |θ| per coordinate")]
    public bool Adaptive { get; set; }
}

/// <summary>
/// Sharpness-Aware Minimization (Foret, Kleiner, Mobahi &amp; Neyshabur, 2021, "Sharpness-Aware Minimization for
/// Efficiently Improving Generalization", arXiv:2010.01412; adaptive: Kwon et al., 2021, arXiv:2102.11600) over any
/// base optimizer, as davda54/sam (<c>sam.py</c>) computes it. It needs <see cref="Optimizer.Step(Func{Tensor})"/>:
/// the gradient is evaluated twice per step.
/// </summary>
/// <remarks>
/// <code>
/// g ← ∇f(θ)                                   (first closure call)
/// n = ‖( ‖T_k g_k‖₂ )_k‖₂ with T_k = |θ_k| if adaptive else 1;   s = ρ/(n + 1e-12)
/// e_k = (θ_k² if adaptive else 1)·g_k·s;   θ ← θ + e                  ("old_p" = θ before)
/// g ← ∇f(θ + e)                               (second closure call)
/// θ ← old_p;  base step with g
/// </code>
/// <para>Defaults: ρ = 0.05, adaptive false, base optimizer SGD. State: "old_p" (as in the reference, where p
/// shares old_p's storage after the step, it equals the new θ), and the base optimizer's under "base."
/// (<see cref="IOptimizerWrapper"/>). Clipping and the non-finite policy apply to the base step, on the gradient at the
/// perturbed point; the parameters are restored before it, so a refused step leaves them unchanged. The norms are
/// float32 sums in the order of torch's CPU kernel (<see cref="TorchArithmetic.WholeTensorNorm"/>).</para>
/// </remarks>
public sealed class Sam : OptimizerWrapper<SamOptions>
{
    /// <summary>Wraps <paramref name="baseOptimizer"/>, whose parameters and groups it takes.</summary>
    public Sam(Optimizer baseOptimizer, SamOptions options) : base(baseOptimizer, options, "base") { }

    /// <summary>
    /// Builds SAM with <paramref name="options"/> (its table's keywords rho and adaptive, already read from
    /// <paramref name="o"/>) around the base optimizer of the keywords left: base_optimizer (the base optimizer's
    /// catalog name, default "SGD"); every other option is the base optimizer's, as the reference's <c>**kwargs</c>.
    /// </summary>
    internal static Sam Create(IEnumerable<NamedParameter> parameters, TorchOptions o, SamOptions options)
    {
        return new Sam(WrappedOptions.Create(parameters, o, "base_optimizer", null, "SGD"), options);
    }

    /// <inheritdoc/>
    public override bool RequiresClosure => true;

    /// <inheritdoc/>
    protected override string? StepWithoutClosureRefusal => "SAM evaluates the gradient twice per step: call Step(closure)";

    /// <inheritdoc/>
    public override Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        foreach (var group in ParamGroups) group.Options.Validate();
        var loss = closure();
        using (Autograd.GradMode.NoGrad()) ClimbToTheWorstPoint();
        try { closure(); }
        finally
        {
            using (Autograd.GradMode.NoGrad()) RestoreParameters();
        }
        ForwardLearningRates();
        Inner.NonFinitePolicy = NonFinitePolicy;
        Inner.Clipping = Clipping;
        long skipped = Inner.SkippedSteps;
        Inner.Step();
        using (Autograd.GradMode.NoGrad())
            foreach (var p in AllParameters)
                if (StateOf(p.Name).Buffers.TryGetValue("old_p", out var old)) p.Value.Span.CopyTo(old.Span);   // p.data = old_p: they share storage
        if (Inner.SkippedSteps != skipped) CountSkippedStep();
        else CountStep();
        return loss;
    }

    /// <summary>first_step: θ ← θ + e for every parameter with a gradient, keeping θ in "old_p".</summary>
    private void ClimbToTheWorstPoint()
    {
        float norm = GradientNorm();
        foreach (var group in Groups)
        {
            var o = group.Options;
            float scale = (1f / (norm + 1e-12f)) * (float)o.Rho;      // rho / (grad_norm + 1e-12): reciprocal, then times rho
            foreach (var p in group.Parameters)
            {
                if (p.Value.Grad is not { } grad) continue;
                var param = p.Value.Span;
                var g = grad.Span;
                var old = StateOf(p.Name).Buffer("old_p").Span;
                param.CopyTo(old);                                       // state["old_p"] = p.data.clone()
                for (int i = 0; i < param.Length; i++)
                {
                    float e = o.Adaptive ? param[i] * param[i] * g[i] : g[i];   // (pow(p, 2) if adaptive else 1.0) * p.grad
                    param[i] += e * scale;                                      // p.add_(e_w * scale)
                }
            }
        }
    }

    /// <summary>second_step's p.data = old_p for every parameter that had a gradient at the first evaluation.</summary>
    private void RestoreParameters()
    {
        foreach (var p in AllParameters)
            if (StateOf(p.Name).Buffers.TryGetValue("old_p", out var old) && p.Value.Grad is not null) old.Span.CopyTo(p.Value.Span);
    }

    /// <summary>‖(‖T_k g_k‖₂)_k‖₂ over the parameters with a gradient, each norm summed as torch's CPU kernel does (<see cref="TorchArithmetic.WholeTensorNorm"/>).</summary>
    private float GradientNorm()
    {
        var norms = new List<float>();
        float[] scratch = [];
        foreach (var group in Groups)
            foreach (var p in group.Parameters)
            {
                if (p.Value.Grad is not { } grad) continue;
                var g = grad.Span;
                if (!group.Options.Adaptive)
                {
                    norms.Add(TorchArithmetic.WholeTensorNorm(g));
                    continue;
                }
                if (scratch.Length < g.Length) scratch = new float[g.Length];
                var param = p.Value.Span;
                for (int i = 0; i < g.Length; i++) scratch[i] = MathF.Abs(param[i]) * g[i];   // torch.abs(p) * p.grad
                norms.Add(TorchArithmetic.WholeTensorNorm(scratch.AsSpan(0, g.Length)));
            }
        return TorchArithmetic.WholeTensorNorm(norms.ToArray());
    }
}
