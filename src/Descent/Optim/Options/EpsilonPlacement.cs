namespace Descent.Optim;

/// <summary>
/// Where an adaptive optimizer adds its ε to the accumulated second moment v: outside the square root, as PyTorch
/// does, or inside it, as several textbooks write it. The two agree when ε is negligible next to v and differ most
/// while v is small (early steps, rarely-updated coordinates).
/// </summary>
public enum EpsilonPlacement
{
    /// <summary>PyTorch's form (the default): the step divides by √v + ε.</summary>
    OutsideSqrt,

    /// <summary>The textbook form: the step divides by √(v + ε), so ε acts on the scale of v rather than of √v.</summary>
    InsideSqrt,
}
