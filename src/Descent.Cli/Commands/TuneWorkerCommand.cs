using System.CommandLine;
using System.Globalization;
using Descent.Lab.Tuning;

namespace Descent.Cli.Commands;

/// <summary><c>descent tune worker</c>: one more worker of a study, on this or any machine that reaches the store.</summary>
internal static class TuneWorkerCommand
{
    public static Command Create(TextWriter output)
    {
        var o = new TuneOptions();
        var maxTrials = new Option<int?>("--max-trials") { Description = "Leave after this many trials [default: when the study's budget is spent]", HelpName = "N" };
        var command = new Command("worker", "Run trials of a study in the store until its budget is spent; workers may join and leave at any time.")
        {
            o.Storage, o.Study, o.RunsDir, maxTrials,
        };
        foreach (var x in o.Lease) command.Options.Add(x);
        command.SetAction(parse =>
        {
            string name = o.StudyOf(parse);
            var lease = o.LeaseOf(parse);
            var (storage, id, study) = TuneOptions.OpenStudy(o.StorageOf(parse, name), name);
            using (storage)
            {
                var worker = new Worker(storage, study, id, o.CheckpointsOf(parse, name), lease)
                {
                    Log = line => { lock (output) { output.WriteLine(line); output.Flush(); } },
                };
                output.WriteLine($"worker {worker.Id} joined study {name} in {storage.DisplayUrl}");
                output.Flush();
                var summary = worker.Run(parse.GetValue(maxTrials));
                output.WriteLine(FormattableString.Invariant($"worker {worker.Id} finished {summary.Trials} trial(s); store overhead {summary.StoreMillisecondsPerTrial:F1} ms per trial (mean), {summary.MedianMillisecondsPerTrial:F1} ms (median)"));
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
