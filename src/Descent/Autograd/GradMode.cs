namespace Descent.Autograd;

/// <summary>
/// Whether operations on this thread are recorded for autograd. <c>using (GradMode.NoGrad()) { ... }</c> turns
/// recording off for the block, as <c>torch.no_grad()</c> does: evaluation and optimizer steps need no graph.
/// </summary>
public static class GradMode
{
    [ThreadStatic] private static int t_disabledDepth;

    /// <summary>True unless inside a <see cref="NoGrad"/> block on this thread.</summary>
    public static bool IsEnabled => t_disabledDepth == 0;

    /// <summary>Turns recording off until the returned scope is disposed; scopes nest.</summary>
    public static NoGradScope NoGrad()
    {
        t_disabledDepth++;
        return new NoGradScope();
    }

    /// <summary>The scope returned by <see cref="NoGrad"/>; disposing it restores recording.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        /// <summary>Leaves the no-grad block.</summary>
        public void Dispose() => t_disabledDepth--;
    }
}
