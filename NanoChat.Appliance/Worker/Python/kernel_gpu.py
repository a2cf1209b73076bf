# The GPU memory cap of a student's kernel: torch's per-process memory fraction, set on every GPU
# the moment CUDA starts (or, for a torch without that hook, at the next cell's start), and the
# memory the kernel holds, for the console. Loaded at worker start as `appliance_gpu`; the fraction
# comes from the web process (install() in kernel_runtime.py).
import sys

fraction = None         # share of each GPU's memory this kernel may hold; None or 0: no cap
_applied = False


def cap_gpu_memory_when_cuda_starts(cuda):
    """torch.cuda has just been imported (a load-time patch, PythonHost's bootstrap): the memory
    fraction is set the moment CUDA initialises, before torch allocates anything, through the hook
    torch itself uses for calls made before CUDA is up (torch.cuda.manual_seed). Setting it at the
    next cell's start instead let a first cell that imports torch and trains run uncapped. A box
    without CUDA never initialises it, so nothing runs there, and a notebook that imports torch for
    CPU work gets no CUDA context (hundreds of MB of GPU memory) it did not ask for."""
    lazy_call = getattr(cuda, "_lazy_call", None)
    if fraction and callable(lazy_call):
        lazy_call(lambda: apply_fraction(cuda_starting=True))


def apply_fraction(cuda_starting=False):
    # Also called at each cell's start, for a torch without the hook above: there it applies once
    # CUDA is in use, and never initialises CUDA itself. (While CUDA starts, torch still says it is
    # not initialised: hence cuda_starting.)
    global _applied
    torch = sys.modules.get("torch")
    if _applied or not fraction or torch is None or not hasattr(torch, "cuda"):
        return
    cuda = torch.cuda
    if not (cuda_starting or cuda.is_initialized()):
        return
    # torch moves the current device to each one it caps: the student's 'cuda' stays where it was.
    current = cuda.current_device()
    for device in range(cuda.device_count()):
        cuda.set_per_process_memory_fraction(fraction, device)
    cuda.set_device(current)
    _applied = True


def gpu_bytes():
    torch = sys.modules.get("torch")
    try:
        if torch is not None and torch.cuda.is_initialized():
            return int(sum(torch.cuda.memory_reserved(d) for d in range(torch.cuda.device_count())))
    except Exception:
        pass
    return 0
