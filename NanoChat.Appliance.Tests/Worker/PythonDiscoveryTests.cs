using NanoChat.Appliance.Worker;

namespace NanoChat.Appliance.Tests.Worker;

/// <summary>Finding libpython from a real interpreter, and the sentences told when that fails.</summary>
public sealed class PythonDiscoveryTests
{
    [Fact]
    public void Debians_python_reports_its_shared_libpython()
    {
        var python = PythonDiscovery.Discover("/usr/bin/python3");
        Assert.True(File.Exists(python.LibraryPath), python.LibraryPath);
        Assert.Contains("libpython3", python.LibraryPath, StringComparison.Ordinal);
        Assert.False(python.IsVirtualEnvironment);
    }

    [Fact]
    public void A_missing_interpreter_is_named_with_the_fix()
    {
        var error = Assert.Throws<PythonDiscoveryException>(() => PythonDiscovery.Discover("/nowhere/python3"));
        Assert.Contains("/nowhere/python3", error.Message, StringComparison.Ordinal);
        Assert.Contains("--python", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Something_that_is_not_python_is_named()
    {
        var error = Assert.Throws<PythonDiscoveryException>(() => PythonDiscovery.Discover("/bin/false"));
        Assert.Contains("/bin/false", error.Message, StringComparison.Ordinal);
    }
}
