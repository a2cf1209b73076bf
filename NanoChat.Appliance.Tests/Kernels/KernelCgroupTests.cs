using NanoChat.Appliance.Kernels;

namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// Where kernel cgroups go on cgroup v2, laid out on a stand-in tree of plain folders: this build box
/// has cgroup v1, whose real limits the sandbox tests read from the outside. These pin the choice of
/// place (delegated service subtree vs the root) and the leaf move v2 requires, which a real v2 host
/// then enforces; they cannot show the kernel's own checks.
/// </summary>
public sealed class KernelCgroupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cgroup-v2-").FullName;
    private readonly string _service;
    private readonly string _self;

    public KernelCgroupTests()
    {
        File.WriteAllText(Path.Combine(_root, "cgroup.controllers"), "cpu memory pids");
        File.WriteAllText(Path.Combine(_root, "cgroup.subtree_control"), "");
        _service = Directory.CreateDirectory(Path.Combine(_root, "system.slice", "nanochat-appliance.service")).FullName;
        File.WriteAllText(Path.Combine(_service, "cgroup.subtree_control"), "");
        File.WriteAllText(Path.Combine(_service, "cgroup.procs"), "4242\n");
        _self = Path.Combine(_root, "self-cgroup");
        File.WriteAllText(_self, "0::/system.slice/nanochat-appliance.service\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private KernelCgroup.Hierarchy Tree(bool privileged) => new(_root, _self, 4242, privileged);

    [Fact]
    public void A_delegated_service_puts_kernels_in_its_own_subtree_after_moving_itself_into_a_leaf()
    {
        var cgroup = KernelCgroup.Create("user-1", new KernelOptions { MemoryLimitBytes = 1 << 30, PidsLimit = 64 }, Tree(privileged: false));

        Assert.Equal(2, cgroup.Version);
        var folder = Path.Combine(_service, "nanochat-kernels", "user-1");
        Assert.Equal([folder], cgroup.Folders);
        Assert.Equal((1L << 30).ToString(), File.ReadAllText(Path.Combine(folder, "memory.max")));
        Assert.Equal("64", File.ReadAllText(Path.Combine(folder, "pids.max")));
        Assert.Equal("4242", File.ReadAllText(Path.Combine(_service, "appliance", "cgroup.procs")));
        Assert.StartsWith("+", File.ReadAllText(Path.Combine(_service, "cgroup.subtree_control")));
        Assert.False(Directory.Exists(Path.Combine(_root, "nanochat-kernels")), "nothing is created at the root of the tree");

        // Once moved, /proc/self/cgroup names the leaf: the next kernel still goes beside the first.
        File.WriteAllText(_self, "0::/system.slice/nanochat-appliance.service/appliance\n");
        var second = KernelCgroup.Create("user-2", new KernelOptions(), Tree(privileged: false));
        Assert.Equal([Path.Combine(_service, "nanochat-kernels", "user-2")], second.Folders);
    }

    [Fact]
    public void Root_and_undelegated_services_use_the_root_of_the_tree()
    {
        var asRoot = KernelCgroup.Create("user-1", new KernelOptions(), Tree(privileged: true));
        Assert.Equal([Path.Combine(_root, "nanochat-kernels", "user-1")], asRoot.Folders);
        Assert.False(Directory.Exists(Path.Combine(_service, "appliance")), "root leaves its own cgroup (maybe a session scope) alone");

        File.Delete(Path.Combine(_service, "cgroup.subtree_control")); // not delegated: systemd keeps the file to itself
        var undelegated = KernelCgroup.Create("user-2", new KernelOptions(), Tree(privileged: false));
        Assert.Equal([Path.Combine(_root, "nanochat-kernels", "user-2")], undelegated.Folders);
    }
}
