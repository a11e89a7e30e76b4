using Descent.Cli;

return DescentCli.Run(args, Console.Out, Console.Error);
