using NanoChat.Appliance.Kernels;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// How the web process tells where the single-file host unpacked its native libraries (so workers
/// reuse them). The published file itself is exercised in Hosting/PublishedBinaryTests.
/// </summary>
public sealed class BundleExtractionTests
{
    [Fact]
    public void The_unpacked_folder_is_the_native_search_directory_shaped_like_base_app_id()
    {
        var root = TempFolders.Create("bundle");
        try
        {
            var unpacked = Directory.CreateDirectory(Path.Combine(root, ".net", "NanoChat.Appliance", "Xy1Zb2")).FullName;
            var appFolder = Directory.CreateDirectory(Path.Combine(root, "opt")).FullName;
            var search = string.Join(':', appFolder + "/", unpacked + "/");

            Assert.Equal(unpacked, BundleExtraction.Find(search, appFolder, Path.Combine(appFolder, "NanoChat.Appliance")));
            // A renamed copy of the binary unpacks under its own name, whole ("nanochat.v2" is no extension).
            var renamed = Directory.CreateDirectory(Path.Combine(root, ".net", "nanochat.v2", "Q9")).FullName;
            Assert.Equal(renamed, BundleExtraction.Find(renamed + "/:", appFolder, Path.Combine(appFolder, "nanochat.v2")));
            Assert.Null(BundleExtraction.Find(renamed + "/:", appFolder, Path.Combine(appFolder, "NanoChat.Appliance")));
        }
        finally
        {
            TempFolders.Delete(root);
        }
    }

    [Fact]
    public void Build_output_run_under_dotnet_or_a_missing_folder_has_none()
    {
        var root = TempFolders.Create("bundle");
        try
        {
            var appFolder = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
            var runtimes = Directory.CreateDirectory(Path.Combine(appFolder, "runtimes", "linux-x64", "native")).FullName;

            var binary = Path.Combine(appFolder, "NanoChat.Appliance");
            Assert.Null(BundleExtraction.Find(null, appFolder, binary));
            Assert.Null(BundleExtraction.Find(appFolder + ":" + runtimes, appFolder, binary));
            // Under `dotnet NanoChat.Appliance.dll` the process is dotnet's, which unpacks nothing.
            Assert.Null(BundleExtraction.Find(Path.Combine(root, "NanoChat.Appliance", "id"), appFolder, "/usr/share/dotnet/dotnet"));
            // The right shape, but the host did not (or no longer does) have it on disk.
            Assert.Null(BundleExtraction.Find(Path.Combine(root, ".net", "NanoChat.Appliance", "gone"), appFolder, binary));
        }
        finally
        {
            TempFolders.Delete(root);
        }
    }
}
