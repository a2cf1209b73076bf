using System.Globalization;
using NanoChat.Appliance.Accounts;
using NanoChat.Appliance.Hosting;
using NanoChat.Appliance.Web;

namespace NanoChat.Appliance.Chat;

/// <summary>
/// `/api/checkpoints` (the caller's own trained models and the shelf's) and the Chat page. Generation itself runs in
/// the caller's worker (see <c>Chat/Python/appliance_chat.py</c>), never in this process.
/// </summary>
public static class ChatApi
{
    public static IServiceCollection AddChat(this IServiceCollection services)
    {
        services.AddSingleton<CheckpointStore>();
        services.AddSingleton(new ChatOptions());
        return services;
    }

    public static WebApplication MapChat(this WebApplication app)
    {
        app.MapGet("/api/checkpoints", (HttpContext http, CheckpointStore checkpoints, ApplianceOptions options, CourseData.CourseStore course) =>
            ListCheckpoints(http.User.Id(), checkpoints, options, course)).RequireAuthorization().WithTags("Chat");

        app.MapPost("/api/chat", ChatStream.ReplyAsync).RequireAuthorization().WithTags("Chat");

        app.MapGet("/chat", (HttpContext http, PageRenderer pages, CheckpointStore checkpoints, ApplianceOptions options, ChatOptions chat, CourseData.CourseStore course, long? checkpoint) =>
        {
            var list = ListCheckpoints(http.User.Id(), checkpoints, options, course);
            var selected = checkpoint is { } chosen && list.Any(c => c.Id == chosen) ? chosen : list.FirstOrDefault()?.Id;
            return pages.Page(http, "chat/page.html", "Chat", new
            {
                Checkpoints = list,
                Selected = selected,
                // The field's limits are the server's (ChatRequest.Check), so the page cannot offer what it refuses.
                MaxTokens = chat.MaxTokens,
                DefaultTokens = chat.DefaultTokens,
                TinyKind = CheckpointKinds.TinyGpt,
                SelectedKind = list.FirstOrDefault(c => c.Id == selected)?.Kind,
            });
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    public static string WorkspaceOf(ApplianceOptions options, long userId) =>
        Path.Combine(options.WorkspacesDirectory, userId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The user's own checkpoints, then the instructor's shelf (course data of kind checkpoint), which every student sees.</summary>
    private static IReadOnlyList<Checkpoint> ListCheckpoints(long userId, CheckpointStore checkpoints, ApplianceOptions options, CourseData.CourseStore course) =>
        checkpoints.Sync(userId, [.. CheckpointDiscovery.Scan(WorkspaceOf(options, userId)), .. CourseData.CourseShelf.Scan(course).Select(shelved => shelved.Found)]);
}
