using System.CommandLine;
using Descent.Lab.Schedules;
using Descent.Schedules;

namespace Descent.Cli.Commands;

/// <summary>The repeatable <c>--schedule SPEC</c> option shared by <c>train</c> and <c>schedule</c>.</summary>
internal static class ScheduleOption
{
    public static Option<string[]> Create() => new("--schedule")
    {
        Description =
            "Schedule a hyper-parameter: [TARGET=]NAME[:KEY=VALUE,...][@step|@epoch], repeatable. TARGET is lr (default), " +
            "momentum, beta1, beta2 or weight_decay; NAME is a torch scheduler (step, multistep, constant, linear, exponential, " +
            "polynomial, cosine, restarts, cyclic, onecycle, plateau) or ramp, warmup_cosine, wsd; options use torch keyword " +
            "names. Examples: \"onecycle:max_lr=0.1\", \"cosine:T_max=10@epoch\", \"multistep:milestones=[5,8],gamma=0.1\", " +
            "\"momentum=ramp:start=0.5,end=0.9,steps=5@epoch\".",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The parsed specs; a malformed one is a usage error naming it.</summary>
    public static IReadOnlyList<ScheduleSpec> Read(ParseResult parse, Option<string[]> option)
    {
        var specs = new List<ScheduleSpec>();
        foreach (var text in parse.GetValue(option) ?? [])
        {
            try { specs.Add(ScheduleSpec.Parse(text)); }
            catch (ArgumentException e) { throw new CliUsageException($"invalid --schedule '{text}': {InvalidOptionException.Describe(e)}"); }
        }
        return specs;
    }
}
