using System.Net;
using NanoChat.Appliance.Admin;
using NanoChat.Appliance.Tests.Infrastructure;

namespace NanoChat.Appliance.Tests.Admin;

/// <summary>Box health, the GPU reading, and the kernels panel with and without a kernel manager.</summary>
public sealed class ConsoleTests
{
    [Fact]
    public async Task Health_reports_cpu_memory_disk_gpu_and_the_sandbox()
    {
        await using var server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1);
        using var instructor = await server.SignUpAsync("teacher");
        var health = await (await instructor.Http.GetAsync("/api/admin/health")).ReadJsonAsync();
        Assert.InRange((double)health["cpu"]!["percent"]!, 0, 100);
        Assert.True((int)health["cpu"]!["cores"]! >= 1);
        Assert.True((long)health["memory"]!["totalBytes"]! > 0);
        Assert.True((long)health["disk"]!["availableBytes"]! > 0);
        Assert.Equal(Path.GetFullPath(server.Options.DataDirectory), (string?)health["disk"]!["folder"]);
        var hasGpu = GpuProbe.FindOnPath("nvidia-smi") is not null;
        Assert.Equal(hasGpu, (bool)health["gpu"]!["available"]!);
        if (!hasGpu)
            Assert.Contains("no GPU", (string?)health["gpu"]!["problem"], StringComparison.Ordinal);
        // The sandbox status is measured, and any part that is off comes with a warning sentence.
        var sandbox = health["sandbox"]!;
        Assert.Equal((bool)sandbox["bubblewrap"]! && (bool)sandbox["cgroupDelegated"]!, (bool)sandbox["limitsOn"]!);
        Assert.Equal((bool)sandbox["limitsOn"]!, sandbox["warnings"]!.AsArray().Count == 0);
        // The console reports what a real kernel gets: sandboxed and in cgroups exactly when it says so.
        Assert.Equal(HttpStatusCode.OK, (await instructor.Http.PostAsync("/api/kernel/start", null)).StatusCode);
        var kernel = await (await instructor.Http.GetAsync("/api/kernel")).ReadJsonAsync();
        Assert.Equal((bool)kernel["sandboxed"]!, (bool)sandbox["bubblewrap"]!);
        Assert.Equal(kernel["cgroupFolders"]!.AsArray().Count > 0, (bool)sandbox["cgroupDelegated"]!);

        var page = await (await instructor.Http.GetAsync("/admin/health")).Content.ReadAsStringAsync();
        Assert.Contains("hx-trigger=\"every 5s\"", page, StringComparison.Ordinal);
        if (!(bool)sandbox["limitsOn"]!)
            Assert.Contains("data-testid=\"sandbox-warning\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public void Nvidia_smi_csv_is_read_per_gpu_and_per_process()
    {
        var gpus = GpuProbe.ParseGpus("GPU-aaa, 0, NVIDIA H100 80GB HBM3, 37, 20480, 81559\nGPU-bbb, 1, NVIDIA H100 80GB HBM3, [N/A], 0, 81559\n");
        Assert.Equal(2, gpus.Count);
        Assert.Equal(new GpuProbe.Gpu("GPU-aaa", 0, "NVIDIA H100 80GB HBM3", 37, 20480, 81559), gpus[0]);
        Assert.Equal(0, gpus[1].UtilizationPercent);
        var processes = GpuProbe.ParseProcesses("999999, GPU-aaa, python3, 20400\n");
        Assert.Equal(new GpuProbe.GpuProcess(999999, "GPU-aaa", "python3", 20400, null), Assert.Single(processes));
        Assert.Empty(GpuProbe.ParseGpus(""));
    }

    [Fact]
    public async Task With_a_kernel_manager_the_console_lists_workers_and_forwards_actions()
    {
        var kernels = new RecordingKernelControl();
        await using var server = await ApplianceServer.StartAsync(configure: options => options.NightlyBackupHour = -1,
            configureBuilder: builder => builder.Services.AddSingleton<IKernelControl>(kernels));
        using var instructor = await server.SignUpAsync("teacher");
        using var student = await server.SignUpAsync("kim");
        kernels.Rows.Add(new KernelRow(student.Id, "kim", "busy", DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromSeconds(42), 1, 512L << 20, null, "4 GiB, 64 processes"));

        var list = (await (await instructor.Http.GetAsync("/api/admin/kernels")).ReadJsonAsync()).AsArray();
        var row = Assert.Single(list)!;
        Assert.Equal(student.Id, (long)row["userId"]!);
        Assert.Equal("kim", (string?)row["username"]);
        Assert.Equal("busy", (string?)row["state"]);
        var page = await (await instructor.Http.GetAsync("/admin/kernels")).Content.ReadAsStringAsync();
        Assert.Contains("42 s", page, StringComparison.Ordinal);
        Assert.Contains("512 MiB", page, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await instructor.Http.PostAsync($"/api/admin/kernels/{student.Id}/interrupt", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await instructor.Http.PostAsync($"/api/admin/kernels/{student.Id}/stop", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await instructor.Http.PostAsync($"/api/admin/kernels/{student.Id}/explode", null)).StatusCode);
        Assert.Equal([("interrupt", student.Id, (string?)null), ("stop", student.Id, "stopped by the instructor")], kernels.Calls.ToArray());
        var events = (await (await instructor.Http.GetAsync("/api/admin/events?kind=instructor")).ReadJsonAsync()).AsArray();
        Assert.Contains(events, item => (string?)item!["detail"] == "stop of the kernel" && (string?)item["subject"] == "kim");
    }
}
