using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Adagrad"/>, with PyTorch's names and defaults.</summary>
public sealed class AdagradOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults (lr 1e-2).</summary>
    public AdagradOptions() => Lr = 1e-2;

    /// <summary>Learning-rate decay: step t uses lr / (1 + (t − 1)·lr_decay); ≥ 0 (default 0).</summary>
    [Hyper("lr_decay", "learning-rate decay: step t uses η / (1 + (t − 1)γ)", Symbol = "γ", Must = Must.BeNonNegative, Noun = "lr_decay")]
    public double LrDecay { get; set => field = Checked(value); }

    /// <summary>L2 penalty λ added to the gradient, ≥ 0 (default 0).</summary>
    [Hyper("weight_decay", "L2 penalty λθ added to the gradient", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>The value every element of the sum of squares starts from, ≥ 0 (default 0).</summary>
    [Hyper("initial_accumulator_value", "the value every element of the sum of squares G starts from", Must = Must.BeNonNegative, Noun = "initial_accumulator_value")]
    public double InitialAccumulatorValue { get; set => field = Checked(value); }

    /// <summary>The term ε that keeps the division finite, ≥ 0 (default 1e-10).</summary>
    [Hyper("eps", "added to the denominator √G to keep the division finite", Symbol = "ε", Must = Must.BeNonNegative, Noun = "epsilon")]
    public double Eps { get; set => field = Checked(value); } = 1e-10;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper("maximize", "maximize the objective instead of minimizing it")]
    public bool Maximize { get; set; }

    /// <summary>
    /// Where ε goes: <see cref="EpsilonPlacement.OutsideSqrt"/> (PyTorch, the default) divides by √G + ε,
    /// <see cref="EpsilonPlacement.InsideSqrt"/> (the textbook form) by √(G + ε).
    /// </summary>
    [Hyper("epsilon_placement", "where ε goes: outside_sqrt (PyTorch: √G + ε) or inside_sqrt (textbook: √(G + ε))", Extension = true)]
    public EpsilonPlacement EpsilonPlacement { get; set; }
}

/// <summary>Adagrad, as torch.optim.Adagrad: per-coordinate steps scaled by the root of the summed squared gradients.</summary>
/// <remarks>
/// <para>For each parameter θ with gradient g at step t (from 1), learning rate η, decay γ, weight decay λ:</para>
/// <code>
/// g ← −g if maximize;  g ← g + λθ
/// clr = η / (1 + (t − 1)·γ)
/// G ← G + g²                         (G starts at initial_accumulator_value)
/// θ ← θ − clr · g / (√G + ε)         (EpsilonPlacement.InsideSqrt: θ ← θ − clr · g / √(G + ε))
/// </code>
/// <para>Defaults: lr = 1e-2, lr_decay = 0, weight_decay = 0, initial_accumulator_value = 0, ε = 1e-10. Duchi,
/// Hazan and Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization", JMLR 2011.
/// The buffer is "sum".</para>
/// <para>The scalars are computed in double, as torch does in Python, and rounded to float where torch's kernels
/// do; the elementwise work is one fused pass (<see cref="AdagradRule"/>).</para>
/// </remarks>
public sealed class Adagrad : Optimizer<AdagradOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public Adagrad(IEnumerable<Tensor> parameters, AdagradOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    /// <remarks>
    /// As torch, the sum of squares of every parameter given here is created now, filled with its group's
    /// <see cref="AdagradOptions.InitialAccumulatorValue"/> (so <see cref="Optimizer.StateDict"/> holds it with step 0);
    /// parameters of groups added later get theirs at their first update.
    /// </remarks>
    public Adagrad(IEnumerable<NamedParameter> parameters, AdagradOptions options) : base(parameters, options)
    {
        foreach (var group in Groups)
            foreach (var p in group.Parameters)
                StateOf(p.Name).Buffer("sum", (float)group.Options.InitialAccumulatorValue);
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, AdagradOptions o, ParameterState state)
    {
        var sum = state.Buffer("sum", (float)o.InitialAccumulatorValue);
        // torch keeps the step in a float32 tensor and reads it back as a Python float.
        double step = (float)state.Step;
        double clr = o.Lr / (1 + (step - 1) * o.LrDecay);
        var rule = new AdagradRule((float)-clr, (float)o.Eps, (float)o.WeightDecay, o.Maximize,
            o.EpsilonPlacement == EpsilonPlacement.InsideSqrt);
        ElementwiseUpdate.Run(rule, param, grad, sum.Span);
    }
}
