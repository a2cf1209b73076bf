using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// The address printed on sign-in cards (<see cref="StudentAddress"/>): the Accounts page's panel
/// (`POST /admin/address`, answered with the panel) and `GET/PUT /api/admin/address {address}` for
/// scripts, both answering whether it is a loopback one.
/// </summary>
public static class StudentAddressEndpoints
{
    public sealed record AddressRequest(string? Address);

    public static RouteGroupBuilder MapStudentAddressPage(this RouteGroupBuilder pages)
    {
        pages.MapPost("/address", async (HttpContext http, PageRenderer renderer, StudentAddress address, EventLog events) =>
        {
            var form = await http.Request.ReadFormAsync();
            var (checkedAddress, error) = StudentAddress.Check(form["address"]);
            if (checkedAddress is null)
                return renderer.Fragment(http, "admin/_address.html", new { Address = Model(http, address, form["address"].ToString(), error) }, 400);
            address.Save(checkedAddress);
            events.InstructorAction(SignIn.Current(http)!.Username, null, $"set the students' address to {checkedAddress}");
            return renderer.Fragment(http, "admin/_address.html", new { Address = Model(http, address) });
        });
        return pages;
    }

    public static RouteGroupBuilder MapStudentAddressApi(this RouteGroupBuilder api)
    {
        api.MapGet("/address", (HttpContext http, StudentAddress address) => View(http, address));

        api.MapPut("/address", (AddressRequest request, HttpContext http, StudentAddress address, EventLog events) =>
        {
            var (checkedAddress, error) = StudentAddress.Check(request.Address);
            if (checkedAddress is null)
                return Problems.BadRequest(error!);
            address.Save(checkedAddress);
            events.InstructorAction(SignIn.Current(http)!.Username, null, $"set the students' address to {checkedAddress}");
            return Results.Ok(View(http, address));
        });
        return api;
    }

    private static object View(HttpContext http, StudentAddress address)
    {
        var value = address.For(http);
        return new { address = value, saved = address.Saved is not null, loopback = StudentAddress.IsLoopback(value), suggestions = StudentAddress.Suggestions(http) };
    }

    /// <summary>The panel's model; <paramref name="typed"/> and <paramref name="error"/> after a refused save.</summary>
    public static object Model(HttpContext http, StudentAddress address, string? typed = null, string? error = null)
    {
        var value = typed ?? address.For(http);
        return new
        {
            Value = value,
            Saved = address.Saved is not null,
            Loopback = error is null && StudentAddress.IsLoopback(value),
            Suggestions = StudentAddress.Suggestions(http),
            Error = error,
        };
    }
}
