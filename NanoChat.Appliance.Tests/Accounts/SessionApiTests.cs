using System.Net;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Accounts;

/// <summary>The tabs' activity report keeps a session open; their "still signed in?" question does not.</summary>
public sealed class SessionApiTests
{
    [Fact]
    public async Task Activity_reports_keep_the_session_past_the_idle_limit()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options => options.IdleSignoutMinutes = 0.05); // 3 s
        using var student = await server.SignUpAsync("rhea", "rhea-password");
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(1000);
            Assert.Equal(HttpStatusCode.NoContent, (await student.Http.PostAsync("/api/session/activity", null)).StatusCode);
        }
        var status = await (await student.Http.GetAsync("/api/session")).ReadJsonAsync();
        Assert.InRange((double)status["idleSecondsLeft"]!, 1, 3);
    }

    [Fact]
    public async Task Asking_the_status_is_not_activity_and_an_idle_session_is_refused()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options => options.IdleSignoutMinutes = 0.05); // 3 s
        using var student = await server.SignUpAsync("sami", "sami-password");
        HttpStatusCode answer = HttpStatusCode.OK;
        for (var i = 0; i < 8 && answer == HttpStatusCode.OK; i++)
        {
            await Task.Delay(700);
            answer = (await student.Http.GetAsync("/api/session")).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, answer);
        Assert.Equal(HttpStatusCode.Unauthorized, (await student.Http.GetAsync("/api/me")).StatusCode);
    }
}
