using System.Collections.Concurrent;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;

namespace NanoChat.Appliance.Kernels;

/// <summary>
/// A student who signs out leaves a worker holding memory (and GPU memory) until the idle stop, an
/// hour later. After a short grace (<see cref="KernelOptions.SignOutStopGraceSeconds"/>, so signing in
/// again at the next kiosk keeps the variables) the worker is stopped through the same path as the
/// instructor's Stop, with its event-log entry. A cell still running or queued is never cut off: the
/// stop waits until the kernel is idle (a cell that only waits for input() counts as idle, as for the
/// idle stop), then stops it.
/// </summary>
public sealed class KernelStopAfterSignOut(KernelManager kernels, ApplianceOptions options, ILogger<KernelStopAfterSignOut> logger) : ISignInListener
{
    public const string Reason = "The kernel was stopped after you signed out, to free memory. Variables are lost.";

    private static readonly TimeSpan BusyCheck = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<long, CancellationTokenSource> _pending = new();

    public void SignedOutEverywhere(long userId, string username)
    {
        var cancel = new CancellationTokenSource();
        if (_pending.TryRemove(userId, out var earlier))
            earlier.Cancel();
        _pending[userId] = cancel;
        _ = StopLaterAsync(userId, username, cancel);
    }

    public void SignedIn(long userId)
    {
        if (_pending.TryRemove(userId, out var pending))
            pending.Cancel();
    }

    private async Task StopLaterAsync(long userId, string username, CancellationTokenSource cancel)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(options.Kernels.SignOutStopGraceSeconds), cancel.Token);
            while (kernels.IsRunningCode(userId))
                await Task.Delay(BusyCheck, cancel.Token);
            if (!_pending.TryRemove(new KeyValuePair<long, CancellationTokenSource>(userId, cancel)))
                return;
            logger.LogInformation("Stopping the kernel of {User}, who signed out.", username);
            await kernels.StopAsync(userId, Reason);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Could not stop the kernel of {User} after sign-out.", username);
        }
        finally
        {
            cancel.Dispose();
        }
    }
}
