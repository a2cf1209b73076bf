namespace NanoChat.Appliance.Tests.Kernels;

/// <summary>
/// When the per-kernel GPU memory fraction takes hold, checked without a GPU: torch is outside our
/// control, so a small stand-in for its CUDA start-up (calls queued with torch.cuda._lazy_call run
/// when CUDA first starts, set_per_process_memory_fraction switches the current device, as torch's
/// do) is written into the workspace and imported instead of Debian's CPU torch. The real GPU case
/// is GpuKernelTests, run where a GPU is.
/// </summary>
[Collection(PythonKernelCollection.Name)]
public sealed class GpuMemoryFractionTests
{
    private const string WriteStandInTorch = """
        import os, sys, textwrap
        os.makedirs("stand_in/torch/cuda", exist_ok=True)
        with open("stand_in/torch/__init__.py", "w") as f:
            f.write(textwrap.dedent('''
                from . import cuda
                def ones(n, device="cpu"):
                    if device == "cuda":
                        cuda._lazy_init()
                        cuda.allocations.append((dict(cuda.fractions), cuda.current))
                    return [1.0] * n
                '''))
        with open("stand_in/torch/cuda/__init__.py", "w") as f:
            f.write(textwrap.dedent('''
                _initialized, _initializing, _queued = False, False, []
                fractions, allocations, current = {}, [], 0
                def is_available(): return True
                def is_initialized(): return _initialized
                def device_count(): return 2
                def current_device():
                    _lazy_init()
                    return current
                def set_device(device):
                    global current
                    _lazy_init()
                    current = device
                def _lazy_call(call, **kwargs):
                    if _initialized:
                        call()
                    else:
                        _queued.append(call)
                def _lazy_init():
                    global _initialized, _initializing
                    if _initialized or _initializing:
                        return
                    _initializing = True
                    for call in _queued:
                        call()
                    _initializing, _initialized = False, True
                def set_per_process_memory_fraction(fraction, device):
                    global current
                    _lazy_init()
                    fractions[device], current = fraction, device
                def memory_reserved(device): return 0
                '''))
        sys.path.insert(0, os.path.abspath("stand_in"))
        """;

    [Fact]
    public async Task A_first_cell_that_imports_torch_and_allocates_on_the_gpu_is_already_capped()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.GpuMemoryFraction = 0.5);
        var run = await session.RunAsync(WriteStandInTorch + "\n" + """
            import torch
            x = torch.ones(3, device="cuda")
            print(torch.cuda.allocations)
            """);
        // Both devices capped before the first allocation, and the student's device is still 0.
        Assert.True(run.Status == "ok", run.ToString());
        Assert.Equal("[({0: 0.5, 1: 0.5}, 0)]\n", run.Stdout);
    }

    [Fact]
    public async Task Importing_torch_for_cpu_work_starts_no_cuda_and_a_later_gpu_cell_is_capped()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.GpuMemoryFraction = 0.25);
        Assert.Equal("ok", (await session.RunAsync(WriteStandInTorch + "\nimport torch\nx = torch.ones(3)")).Status);
        // The next cell's start must not start CUDA just to cap it (a CUDA context costs GPU memory).
        Assert.Equal("False {}\n", (await session.RunAsync("print(torch.cuda.is_initialized(), torch.cuda.fractions)")).Stdout);
        Assert.Equal("[({0: 0.25, 1: 0.25}, 0)]\n", (await session.RunAsync("torch.ones(1, device='cuda')\nprint(torch.cuda.allocations)")).Stdout);
    }

    [Fact]
    public async Task With_no_fraction_configured_nothing_is_capped()
    {
        await using var session = await KernelSession.StartAsync(options => options.Kernels.GpuMemoryFraction = 0);
        var run = await session.RunAsync(WriteStandInTorch + "\nimport torch\ntorch.ones(1, device='cuda')\nprint(torch.cuda.allocations)");
        Assert.Equal("[({}, 0)]\n", run.Stdout);
    }
}
