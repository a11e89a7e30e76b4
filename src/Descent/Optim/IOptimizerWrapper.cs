namespace Descent.Optim;

/// <summary>
/// An optimizer that wraps another (Lookahead, SAM): it keeps its own per-parameter state and lets
/// <see cref="Inner"/> keep its own; a recording names the inner state as "&lt;<see cref="StatePrefix"/>&gt;.&lt;key&gt;"
/// ("inner.exp_avg", "base.momentum_buffer").
/// </summary>
public interface IOptimizerWrapper
{
    /// <summary>The wrapped optimizer, over the same parameters.</summary>
    Optimizer Inner { get; }

    /// <summary>The prefix of the inner optimizer's state keys in the reference's state: "inner" or "base".</summary>
    string StatePrefix { get; }
}
