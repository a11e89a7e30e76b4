namespace Descent.Lab.Explain;

/// <summary>The update rule of an optimizer in words and symbols, its paper, and the lecture-note form it matches.</summary>
public sealed record OptimizerExplanation(string Name, string Rule, string Reference, string SeedForm);

/// <summary>What <c>descent explain</c> prints for each optimizer.</summary>
public static class OptimizerExplanations
{
    private static readonly OptimizerExplanation[] All =
    [
        new("SGD",
            """
            g ← ∇f(θ)  (−g if maximize);  g ← g + λθ
            b ← g on the first step, else b ← μb + (1−τ)g          (momentum μ ≠ 0)
            g ← g + μb if nesterov, else g ← b
            θ ← θ − η g
            """,
            "Robbins & Monro (1951); heavy ball: Polyak (1964); Nesterov (1983) as in Sutskever et al. (2013)",
            "The meetup slides' v = γv + ∇J, θ −= ηv is this rule. The forms v = αv − ρg, θ += v (seeds 001, 004) and " +
            "v = βv + (1−β)g (the session-8 notes) are SgdOptions.Form = Sutskever / Ema; the blog notes/003's look-ahead Nesterov " +
            "(gradient at θ + μv) is SgdOptions.LookAhead with Step(closure)."),
        new("Adagrad",
            """
            η_t ← η / (1 + (t−1)·lr_decay);  g ← g + λθ
            s ← s + g²                          (s starts at initial_accumulator_value)
            θ ← θ − η_t · g / (√s + ε)
            """,
            "Duchi, Hazan & Singer (2011)",
            "The blog notes' r = r + g², w −= α/(δ + √r)·g is this rule with eps outside the square root."),
        new("Adadelta",
            """
            g ← g + λθ
            v ← ρv + (1−ρ)g²
            Δ ← √(u + ε) / √(v + ε) · g
            u ← ρu + (1−ρ)Δ²
            θ ← θ − η Δ
            """,
            "Zeiler (2012)",
            "Listed in the lecture outline; lr = 1 gives the paper's rule."),
        new("RMSprop",
            """
            g ← g + λθ;  v ← αv + (1−α)g²
            v̂ ← v − ḡ² with ḡ ← αḡ + (1−α)g if centered, else v̂ ← v
            b ← μb + g/(√v̂ + ε), θ ← θ − η b   if momentum μ > 0
            θ ← θ − η g/(√v̂ + ε)               otherwise
            """,
            "Hinton, Srivastava & Swersky, Neural Networks for Machine Learning, lecture 6e (2012)",
            "Seeds 001 and 004 write w −= α/√(δ + r)·g, eps inside the square root; the blog notes' RMSProp with momentum " +
            "v = εv − α/√(δ+r)·g, w += v is the momentum form with v = −η b."),
        new("Adam",
            """
            g ← g + λθ   (AdamW: θ ← θ(1 − ηλ) instead)
            m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  v_max ← max(v_max, v) if amsgrad
            m̂ ← m/(1−β₁ᵗ);  v̂ ← v/(1−β₂ᵗ)
            θ ← θ − η m̂ / (√v̂ + ε)
            """,
            "Kingma & Ba (2015); AMSGrad: Reddi, Kale & Kumar (2018); AdamW: Loshchilov & Hutter (2019)",
            "The blog notes' s, r with ŝ = s/(1−ρ₁), r̂ = r/(1−ρ₂) and w −= α ŝ/(√r̂ + δ); the Deep Learning book slides write the same with " +
            "eps inside the square root."),
        new("AdamW", "Adam with decoupled weight decay: θ ← θ(1 − ηλ) before the Adam update (default λ = 0.01).",
            "Loshchilov & Hutter (2019)", "Not in the lecture notes; the weight decay of the blog notes is coupled (L2 in the gradient)."),
        new("Lion",
            """
            θ ← θ(1 − ηλ);  c ← β₁m + (1−β₁)g;  θ ← θ − η·sign(c)
            m ← β₂m + (1−β₂)g
            """,
            "Chen et al. (2023), Symbolic Discovery of Optimization Algorithms", "Not in the lecture notes: the sign of a momentum interpolation, found by program search."),
        new("AdamWScheduleFree",
            """
            per step: η_t = η·min(1, (k+1)/warmup);  w = (k+1)^r·max_η^p;  W ← W + w;  c = w/W
            z ← z − η_t λ y;  v ← β₂v + (1−β₂)g²;  z ← z − η_t g/(√(v/(1−β₂^(k+1))) + ε)
            x ← (1−c)x + c z   (evaluate here);   y ← β₁x + (1−β₁)z   (take the next gradient here)
            """,
            "Defazio et al. (2024), The Road Less Scheduled",
            "Not in the lecture notes. What it adds: no decaying learning-rate schedule at all. Plain SGD or Adam steps move z; " +
            "the model you evaluate is x, a running average of z weighted by the learning rate (Polyak averaging made fit " +
            "for deep learning), and gradients are taken between x and z, at y, which plays the role of momentum. Because " +
            "x and y differ, the trainer switches the parameters to x for evaluation and checkpoints (optimizer.eval()) " +
            "and back to y for training (optimizer.train())."),
        new("SGDScheduleFree",
            """
            per step: η_t, c as AdamWScheduleFree;  g ← g + λy
            z ← z − η_t g;   x ← (1−c)x + c z;   y ← βx + (1−β)z   (β = momentum)
            """,
            "Defazio et al. (2024), The Road Less Scheduled",
            "Not in the lecture notes. The notes' momentum v = μv + g, θ −= ηv keeps a velocity; schedule-free SGD keeps " +
            "none: y = βx + (1−β)z interpolates between the averaged point x and the SGD iterate z, which gives the " +
            "acceleration of momentum and the convergence of an averaged iterate without a schedule. Evaluate at x."),
        new("Lookahead",
            """
            k steps of the inner optimizer on the fast weights θ, then:  θ ← αθ + (1−α)φ;  φ ← θ
            (φ, the slow weights, start at θ₀;  k = la_steps, α = la_alpha;  pullback_momentum: reset or interpolate the inner momentum)
            """,
            "Zhang, Lucas, Hinton & Ba (2019), Lookahead Optimizer: k steps forward, 1 step back",
            "Not in the lecture notes. What it adds to any optimizer of the notes: the inner optimizer explores for k steps, " +
            "then the weights go back most of the way, to a point on the line between where the k steps started and where " +
            "they ended. The oscillations of the fast weights across a valley average out in the slow weights, which makes " +
            "the result less sensitive to the learning rate and the momentum."),
        new("SAM",
            """
            g ← ∇f(θ);  e ← ρ·T²g/‖Tg‖   (T = |θ| if adaptive, else 1)
            g ← ∇f(θ + e)                  (the gradient at the worst nearby point)
            base optimizer step from θ with that g
            """,
            "Foret, Kleiner, Mobahi & Neyshabur (2021), Sharpness-Aware Minimization; adaptive: Kwon et al. (2021)",
            "Not in the lecture notes. What it adds: it minimizes the worst loss in a ball of radius ρ around θ instead of " +
            "the loss at θ, which favours flat minima. It costs a second gradient per step, so it steps through a closure " +
            "(like LBFGS); the base optimizer (SGD by default) is any of the others."),
        new("Muon",
            """
            weight matrices W:  B ← lerp(B, G, 1−β);  U ← lerp(G, B, β) (Nesterov) or B
            X ← U/‖U‖_F;  5 times: A ← XXᵀ;  X ← 3.4445X + (−4.7750A + 2.0315A²)X
            W ← W(1 − ηλ) − η·√max(1, rows/cols)·X
            vectors and biases: AdamW with adam_lr, adam_betas, adam_eps, adam_weight_decay
            """,
            "Jordan et al. (2024), Muon: An optimizer for hidden layers in neural networks",
            "Not in the lecture notes. What it adds to momentum: it treats a weight as a matrix, not a list of numbers. " +
            "The Newton–Schulz iteration replaces the momentum matrix by (nearly) the orthogonal matrix closest to it, so " +
            "every direction of the layer moves by about η, the rare directions as much as the dominant one. It needs no " +
            "second moment; parameters that are not matrices take the auxiliary AdamW."),
        new("Adafactor",
            """
            β̂ = t^c (c = beta2_decay);  ρ = min(η, 1/√t);  α = max(ε₂, RMS(θ))·ρ
            matrices: R ← lerp(R, rowmean(g²), β̂);  C ← lerp(C, colmean(g²), β̂);  V = R·C/mean(R)
            vectors:  V ← lerp(V, g², β̂)
            U = g/√max(V, ε₁²);  θ ← θ − α/max(1, RMS(U)/d)·U
            """,
            "Shazeer & Stern (2018), Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
            "Not in the lecture notes. What it adds to RMSProp/Adam: the second moment of an n×m matrix is kept as a row and " +
            "a column average (n + m numbers instead of nm), its decay rises towards 1 over time instead of being fixed, " +
            "the step is relative to the size of the weights, and updates whose RMS exceeds d are clipped. No first moment."),
        new("Lamb",
            """
            m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  a = m/(√v + ε) + λθ
            θ ← θ − η·(min(‖θ‖, 10)/‖a‖)·a       (per tensor)
            """,
            "You et al. (2020), Large Batch Optimization for Deep Learning: Training BERT in 76 minutes",
            "Not in the lecture notes. What it adds to Adam: a trust ratio per layer, ‖θ‖/‖a‖, so that each layer moves by " +
            "the fraction η of its own norm whatever the scale of its gradient — what lets very large batches train with " +
            "large learning rates. This reference has no bias correction."),
        new("LARS",
            """
            u = g + λθ;  r = ζ‖θ‖/(‖u‖ + ε);  t ← μt − η·r·u;  θ ← θ + t     (per tensor)
            """,
            "You, Gitman & Ginsburg (2017), Large Batch Training of Convolutional Networks",
            "Not in the lecture notes. What it adds to SGD with momentum: the layer-wise trust ratio of LAMB, applied to the " +
            "gradient instead of Adam's direction (LAMB came after, as LARS for Adam). As optax defines it; the paper divides " +
            "by ‖g‖ + λ‖θ‖ instead of ‖g + λθ‖."),
        new("Prodigy",
            """
            dlr = d·η;  r ← β₃r + (d/d₀)dlr⟨g, θ₀ − θ⟩;  s ← β₃s + (d/d₀)dlr·g
            d ← max(d, d_coef·r/‖s‖₁)
            m ← β₁m + d(1−β₁)g;  v ← β₂v + d²(1−β₂)g²;  θ ← θ − dlr·m/(√v + dε)
            """,
            "Mishchenko & Defazio (2024), Prodigy: An Expeditiously Adaptive Parameter-Free Learner",
            "Not in the lecture notes. What it adds to Adam: it estimates the learning rate itself. d estimates the " +
            "distance from the start θ₀ to the solution from how much the gradients have pointed back towards θ₀; it " +
            "only grows, starting tiny (d₀), so the first steps act as a warmup. Leave lr at 1."),
        new("AdEMAMix",
            """
            m₁ ← β₁m₁ + (1−β₁)g;  m₂ ← β₃m₂ + (1−β₃)g;  v ← β₂v + (1−β₂)g²
            θ ← θ − η·[(m₁/(1−β₁ᵗ) + α·m₂)/(√(v/(1−β₂ᵗ)) + ε) + λθ]
            (α and β₃ may warm up over alpha_warmup and beta3_warmup steps)
            """,
            "Pagliardini, Ablin & Grangier (2024), The AdEMAMix Optimizer: Better, Faster, Older",
            "Not in the lecture notes. What it adds to Adam: a second, slow momentum (β₃ = 0.9999, a memory of thousands of " +
            "steps) mixed into the update with weight α. A single momentum cannot both react to the recent gradients and " +
            "remember old ones; two can, and old gradients keep steering the weights."),
        new("Adamax",
            """
            g ← g + λθ;  m ← β₁m + (1−β₁)g;  u ← max(β₂u, |g| + ε)
            θ ← θ − η/(1−β₁ᵗ) · m/u
            """,
            "Kingma & Ba (2015), section 7", "Not in the lecture notes: Adam with the infinity norm."),
        new("NAdam",
            """
            μ_t ← β₁(1 − ½·0.96^(t·ψ));  μ_{t+1} likewise;  Π ← Π·μ_t
            m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
            θ ← θ − η(1−μ_t)/(1−Π) · g/(√v̂ + ε) − η μ_{t+1}/(1−Π μ_{t+1}) · m/(√v̂ + ε)
            """,
            "Dozat (2016)", "Not in the lecture notes: Adam with Nesterov momentum."),
        new("RAdam",
            """
            m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  ρ_∞ = 2/(1−β₂) − 1;  ρ_t = ρ_∞ − 2tβ₂ᵗ/(1−β₂ᵗ)
            θ ← θ − η m̂ · r_t/(√v̂ + ε) when ρ_t > 5 (rectified), else θ ← θ − η m̂
            """,
            "Liu et al. (2020)", "Not in the lecture notes: Adam with a rectified warm-up of the adaptive term."),
        new("Rprop",
            """
            s ← s·η₊ where g·g_prev > 0, s·η₋ where < 0 (and g ← 0 there), clamped to [step_min, step_max]
            θ ← θ − sign(g)·s;  g_prev ← g
            """,
            "Riedmiller & Braun (1993)", "Not in the lecture notes: full-batch sign-based steps."),
        new("ASGD",
            """
            g ← g + λθ;  θ ← θ(1 − λ_d η_t);  θ ← θ − η_t g
            ax ← θ if μ_t = 1, else ax ← ax + μ_t(θ − ax)
            η_t ← η/(1 + λ_d η t)^α;  μ_t ← 1/max(1, t − t₀)
            """,
            "Polyak & Juditsky (1992)", "The Deep Learning book slides' averaged iterate; the average is in state \"ax\"."),
        new("LBFGS",
            """
            per step(closure), up to max_iter iterations on the flattened parameters x with gradient g:
            d ← −g (first iteration), else the two-loop recursion over the last history_size pairs
                s = t·d, y = g − g_prev (kept when yᵀs > 1e-10), with H₀ = yᵀs / yᵀy
            t ← min(1, 1/‖g‖₁)·lr on the first iteration, else lr; or the strong-Wolfe line search's t
            x ← x + t·d;  stop on ‖g‖∞ ≤ tolerance_grad, small change, max_iter or max_eval
            """,
            "Liu & Nocedal (1989); strong Wolfe line search as in Nocedal & Wright, Numerical Optimization, alg. 3.5–3.6",
            "Not in the lecture notes: a quasi-Newton method that needs Step(closure), as it evaluates the loss several times per step."),
    ];

    /// <summary>The explanation for <paramref name="name"/> (case-insensitive), or null.</summary>
    /// <remarks>
    /// An optimizer added with <see cref="Optim.OptimizerCatalog.Register"/> is explained by the description it was
    /// registered with.
    /// </remarks>
    public static OptimizerExplanation? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? (Optim.OptimizerCatalog.FindRegistered(name) is { } r
            ? new OptimizerExplanation(r.Name, r.Description ?? "(registered without a description)", "registered by the program that runs it", "-")
            : null);

    /// <summary>Every optimizer explained.</summary>
    public static IReadOnlyList<OptimizerExplanation> Everything => All;
}
