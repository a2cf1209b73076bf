namespace NanoChat.Appliance.Hosting;

/// <summary>`kernel …`: the worker process. Lives in Worker/; this entry only forwards to it.</summary>
public static class KernelCommandEntry
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("The kernel worker is not part of this build yet.");
        return Task.FromResult(CommandLine.UsageError);
    }
}
