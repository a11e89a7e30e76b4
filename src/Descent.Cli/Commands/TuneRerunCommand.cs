using System.CommandLine;
using System.Globalization;
using System.Text;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Lab.Tuning;

namespace Descent.Cli.Commands;

/// <summary><c>descent tune rerun</c>: the DeepOBS step — the best configuration trained again with fresh seeds, mean ± std.</summary>
internal static class TuneRerunCommand
{
    public static Command Create(TextWriter output)
    {
        var o = new TuneOptions();
        var seeds = new Option<int>("--seeds") { Description = "Fresh seeds to run (after the study's own seeds 0 … N−1)", DefaultValueFactory = _ => 10 };
        var command = new Command("rerun", "Train the study's best configuration again with fresh seeds and report the objective's mean ± standard deviation (written to runs/NAME/rerun.csv).")
        {
            o.Storage, o.Study, o.RunsDir, seeds,
        };
        command.SetAction(parse =>
        {
            string name = o.StudyOf(parse);
            int k = parse.GetValue(seeds);
            if (k < 1 || k > Lab.Compare.Experiment.MaxSeeds) throw new CliUsageException($"--seeds must be from 1 to {Lab.Compare.Experiment.MaxSeeds} (got {k})");
            var (storage, id, study) = TuneOptions.OpenStudy(o.StorageOf(parse, name), name);
            TrialRecord best;
            using (storage)
                best = StudyReport.Best(study, storage.Trials(id, withIntermediate: false)) ?? throw new InvalidDataException($"study '{name}' has no complete trial yet");
            output.WriteLine($"rerunning trial {best.Number} ({Worker.Describe(best.Params)}) with seeds {study.Seeds} … {study.Seeds + k - 1}");
            var problem = ProblemCatalog.Get(study.Problem);
            var data = problem.LoadData(study.DataDirectory);
            var spec = study.Space.OptimizerFor(best.Params);
            var values = new List<double>();
            var csv = new StringBuilder("seed,value\n");
            for (int s = study.Seeds; s < study.Seeds + k; s++)
            {
                double v;
                try { v = study.Objective.Of(new Trainer(problem, data, spec, study.OptionsFor(best.Params, (ulong)s)).Run()); }
                catch (TrainingDivergedException) { v = double.NaN; }
                values.Add(v);
                csv.Append(CultureInfo.InvariantCulture, $"{s},{v.ToString("R", CultureInfo.InvariantCulture)}\n");
                output.WriteLine(FormattableString.Invariant($"seed {s}: {study.Objective.Metric} {v:G6}"));
            }
            var finite = values.Where(double.IsFinite).ToList();
            double mean = finite.Count > 0 ? finite.Average() : double.NaN;
            double std = finite.Count > 1 ? Math.Sqrt(finite.Sum(x => (x - mean) * (x - mean)) / (finite.Count - 1)) : 0;
            string dir = Path.Combine(parse.GetValue(o.RunsDir)!, name);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "rerun.csv"), csv.ToString());
            output.WriteLine(FormattableString.Invariant($"{study.Objective.Metric}: {mean:G6} ± {std:G3} (mean ± sample std over {finite.Count} seed(s){(finite.Count < k ? $", {k - finite.Count} diverged" : "")})"));
            return ExitCodes.Success;
        });
        return command;
    }
}
