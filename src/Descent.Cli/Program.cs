using System.Globalization;
using Descent.Cli;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;   // progress bars draw on other threads
return DescentCli.Run(args, Console.Out, Console.Error);
