using Descent.Autograd;
using Descent.Data;
using Descent.Lab.Problems;
using Descent.Nn;
using Descent.Tensors;

namespace Descent.Lab.Training;

/// <summary>Loss and accuracy of a model on a dataset, without recording autograd.</summary>
public static class Evaluation
{
    /// <summary>Mean loss and the fraction of samples whose largest output is their label.</summary>
    public static (double Loss, double Accuracy) Run(Problem problem, Module model, Dataset data, int batchSize)
    {
        bool wasTraining = model.IsTraining;
        model.Eval();
        double lossSum = 0;
        long correct = 0;
        var arena = new TensorArena();
        using (GradMode.NoGrad())
        using (arena.Activate())
        {
            var loader = new DataLoader(data, batchSize, shuffle: false);
            foreach (var batch in loader)
            {
                var output = model.Forward(Trainer.Inputs(batch, data));
                lossSum += problem.Loss(output, batch.LabelSpan).Item() * batch.Count;
                var predicted = output.ArgMaxRows();
                for (int i = 0; i < batch.Count; i++)
                    if (predicted[i] == batch.Labels[i]) correct++;
                arena.Reset();
            }
        }
        model.Train(wasTraining);
        return (lossSum / data.Count, (double)correct / data.Count);
    }
}
