namespace Descent.Optim.Kernels;

/// <summary>
/// An option fixed as a type parameter of a rule, so the JIT compiles each combination without the branch:
/// <see cref="Yes"/> or <see cref="No"/>.
/// </summary>
internal interface IFlag
{
    /// <summary>Whether the option is on.</summary>
    static abstract bool On { get; }
}

/// <summary>An option that is on.</summary>
internal readonly struct Yes : IFlag
{
    public static bool On => true;
}

/// <summary>An option that is off.</summary>
internal readonly struct No : IFlag
{
    public static bool On => false;
}

/// <summary>Receives a rule specialized for its options (see <see cref="SgdRule.Specialize{TUser}"/>).</summary>
internal interface IRuleUser
{
    /// <summary>Uses <paramref name="rule"/>: runs it on the driver, or tests it.</summary>
    void Use<TRule>(TRule rule) where TRule : struct, IUpdateRule;
}
