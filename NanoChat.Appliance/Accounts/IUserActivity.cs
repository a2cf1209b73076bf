namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Something of the user that keeps their sessions from going idle while it lasts, though no page
/// input comes (the kernels: a cell that runs for an hour). Lets Accounts ask without knowing kernels.
/// </summary>
public interface IUserActivity
{
    bool IsBusy(long userId);
}
