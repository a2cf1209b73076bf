namespace NanoChat.Appliance.Accounts;

/// <summary>
/// Told when a user's sign-ins all end (sign-out, the instructor's password reset) and when the user
/// signs in again; lets other features react (the kernels free memory) without Accounts knowing them.
/// </summary>
public interface ISignInListener
{
    void SignedOutEverywhere(long userId, string username);

    void SignedIn(long userId);
}
