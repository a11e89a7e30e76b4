namespace Descent.Optim;

/// <summary>
/// An optimizer whose parameters differ between training and evaluation (Schedule-Free: gradients are taken at the
/// point y, the model is evaluated at the average x). The trainer calls <see cref="Eval"/> before it evaluates or
/// saves a checkpoint and <see cref="Train"/> before the next training step; both are idempotent, and a checkpoint
/// holds the parameters in evaluation form with the optimizer's state, from which <see cref="Train"/> restores the
/// training point exactly.
/// </summary>
public interface ITrainEvalSwitch
{
    /// <summary>True while the parameters hold the training point (after <see cref="Train"/>).</summary>
    bool IsTraining { get; }

    /// <summary>Puts the training point into the parameters (torch's <c>optimizer.train()</c>).</summary>
    void Train();

    /// <summary>Puts the evaluation point into the parameters (torch's <c>optimizer.eval()</c>).</summary>
    void Eval();
}
