using Microsoft.Extensions.FileProviders;

namespace NanoChat.Appliance.Web;

/// <summary>
/// The files built into the binary (templates/, tutorials/, the bundled wwwroot/), read through the
/// build-time manifest so folder paths survive embedding. Served read-only; one instance per process.
/// </summary>
public static class EmbeddedAssets
{
    private static readonly Lazy<IFileProvider> Root = new(() => new ManifestEmbeddedFileProvider(typeof(EmbeddedAssets).Assembly));

    public static IFileProvider Files => Root.Value;

    public static IFileProvider Folder(string name) => new ManifestEmbeddedFileProvider(typeof(EmbeddedAssets).Assembly, name);

    public static string ReadText(string path)
    {
        var file = Files.GetFileInfo(path);
        if (!file.Exists)
            throw new FileNotFoundException($"'{path}' is not embedded in this build.", path);
        using var reader = new StreamReader(file.CreateReadStream());
        return reader.ReadToEnd();
    }

    /// <summary>Static assets under /assets, with long caching for the content-hashed fonts.</summary>
    public static WebApplication UseEmbeddedStaticAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = Folder("wwwroot"),
            RequestPath = "/assets",
            OnPrepareResponse = context =>
                context.Context.Response.Headers.CacheControl = context.File.Name.Contains('-') ? "public, max-age=31536000, immutable" : "no-cache",
        });
        return app;
    }
}
