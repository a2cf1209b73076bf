namespace NanoChat.Appliance.Doctor;

/// <summary>
/// One line of the doctor's report: <c>ok:</c>, <c>warn:</c> or <c>missing:</c>, what was checked, and
/// the fix. <see cref="Essential"/> marks what the appliance itself cannot run without (a missing
/// one makes `doctor` exit 1); the rest is what lessons need.
/// </summary>
public sealed record DoctorCheck(string Status, string Text, bool Essential = false)
{
    public const string Ok = "ok";
    public const string Warn = "warn";
    public const string Missing = "missing";

    public static DoctorCheck Good(string text) => new(Ok, text);
    public static DoctorCheck Warning(string text) => new(Warn, text);
    public static DoctorCheck Lacking(string text, bool essential = false) => new(Missing, text, essential);

    public override string ToString() => $"{Status}: {Text}";
}
