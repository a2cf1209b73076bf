using System.Text.Json;
using System.Text.Json.Serialization;

namespace NanoChat.Appliance.Web;

/// <summary>
/// JSON rules of the API: camelCase, and unknown fields in a request are an error (a typo in a script
/// should fail loudly, not be ignored). Bad JSON reaches <see cref="ErrorHandling"/> as a 400.
/// </summary>
public static class JsonSetup
{
    public static void Configure(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        json.MaxDepth = 64;
    }

    public static IServiceCollection AddApiJson(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options => Configure(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }
}
