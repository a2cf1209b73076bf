namespace NanoChat.Appliance.Kernels;

/// <summary>
/// What the user's worker said to a side request (completion, help), or why it said nothing: the
/// editor tells "run a cell first" (no worker) apart from "a cell holds the kernel" (no answer in time).
/// </summary>
public sealed record KernelReply<T>(T? Answer, string Kernel) where T : class;

/// <summary>The <c>kernel</c> field of /api/complete and /api/inspect answers.</summary>
public static class KernelReplyState
{
    public const string Ok = "ok";
    /// <summary>The worker runs but did not answer in time: a cell holds the interpreter (a long native call, an import).</summary>
    public const string Busy = "busy";
    /// <summary>No worker runs; asking never starts one.</summary>
    public const string Unavailable = "unavailable";

    public static KernelReply<T> NotRunning<T>() where T : class => new(null, Unavailable);
}
