using System.Reflection;
using System.Text.Json.Nodes;
using NanoChat.Appliance.Kernels.Protocol;
using Python.Runtime;

namespace NanoChat.Appliance.Worker;

/// <summary>
/// The embedded CPython of one worker. Initialised once on the worker's main thread (signals and
/// `threading.main_thread()` depend on it), then the GIL is released and every later call takes it
/// in a short <c>using (Py.GIL())</c>. Cells run here on the main thread; the Python half of the
/// work lives in the embedded modules under Worker/Python. Lives as long as the worker process:
/// CPython cannot be re-initialised, so a restart is a new process.
/// </summary>
public sealed class PythonHost
{
    private readonly OutputCapture _capture;
    private readonly Action<KernelMessage> _send;
    private readonly object _interruptLock = new();
    private const int AsyncInterruptDelayMs = 500;
    private PyObject? _runtime;
    private nuint _mainThread;
    private ulong _pythonMainThreadId;
    private string? _running;

    public PythonHost(OutputCapture capture, Action<KernelMessage> send)
    {
        _capture = capture;
        _send = send;
    }

    // The embedded Python (Worker/Python/*.py, Chat/Python/*.py) by module name. Loaded at start:
    private static readonly (string Module, string Resource)[] StartModules =
    [
        ("appliance_magics", "kernel_magics.py"), ("appliance_display", "kernel_display.py"),
        ("appliance_gpu", "kernel_gpu.py"), ("appliance_kernel", "kernel_runtime.py"), ("appliance", "appliance.py"),
    ];

    // Loaded on first import: they import matplotlib, torch or inspect, or serve one magic, which a
    // cell may never need.
    private static readonly (string Module, string Resource)[] LazyModules =
    [
        ("appliance._inline_backend", "appliance_inline_backend.py"), ("appliance_chat", "appliance_chat.py"),
        ("appliance_help", "kernel_help.py"), ("appliance_autoreload", "kernel_autoreload.py"),
        ("appliance_capture", "kernel_capture.py"), ("appliance_namespace", "kernel_namespace.py"),
        ("appliance_timing", "kernel_timing.py"), ("appliance_file_magics", "kernel_file_magics.py"),
        ("appliance_widgets", "kernel_widgets.py"), ("appliance_shell", "kernel_shell.py"),
        ("appliance_widget_extras", "kernel_widget_extras.py"), ("appliance_progress", "kernel_progress.py"),
        ("appliance_widget_inputs", "kernel_widget_inputs.py"), ("appliance_interact", "kernel_interact.py"),
        ("appliance_pretty", "kernel_pretty.py"),
    ];

    // Stand-ins for packages notebooks import, each with its own place among the finders (Bootstrap).
    private static readonly (string Module, string Resource)[] StandIns =
    [
        ("ipywidgets", "ipywidgets_package.py"), ("IPython", "ipython_package.py"), ("IPython.display", "ipython_display.py"),
    ];

    // Registers the modules above, the stand-ins' finders and the adjustments of installed modules.
    private const string Bootstrap = """
        import sys, types, signal, importlib.machinery
        def _load(name):
            module = types.ModuleType(name)
            module.__file__ = "<appliance>/" + name.replace(".", "/") + ".py"
            sys.modules[name] = module
            exec(compile(sources[name], module.__file__, "exec"), module.__dict__)
            return module
        # A plain finder and loader: subclassing importlib.abc would import importlib.resources,
        # tempfile and pathlib (25 ms under `python3 -X importtime` here; inside the worker the
        # gain is lost in the noise of a 300-450 ms start).
        class _Finder:
            def __init__(self, modules, packages=()):
                self.modules, self.packages = modules, packages
            def find_spec(self, name, path=None, target=None):
                return importlib.machinery.ModuleSpec(name, self, is_package=name in self.packages) if name in self.modules else None
            def create_module(self, spec):
                return None
            def exec_module(self, module):
                module.__file__ = "<appliance>/" + module.__name__.replace(".", "/") + ("/__init__.py" if module.__name__ in self.packages else ".py")
                exec(compile(sources[module.__name__], module.__file__, "exec"), module.__dict__)
        # Some installed modules load as usual and are then adjusted to the appliance (patch_* below).
        class _PatchOnLoad:
            def __init__(self, patches):
                self.patches = patches
            def find_spec(self, name, path=None, target=None):
                if name not in self.patches:
                    return None
                for finder in sys.meta_path:
                    if finder is not self and hasattr(finder, "find_spec"):
                        spec = finder.find_spec(name, path, target)
                        if spec is not None:
                            if spec.loader is not None and not isinstance(finder, _Finder):
                                spec.loader = _PatchingLoader(spec.loader, self.patches[name])
                            return spec
                return None
        class _PatchingLoader:
            def __init__(self, loader, patch):
                self._loader, self._patch = loader, patch
            def __getattr__(self, name):
                return getattr(self._loader, name)
            def create_module(self, spec):
                return self._loader.create_module(spec)
            def exec_module(self, module):
                self._loader.exec_module(module)
                self._patch(module)
        # A real IPython, where installed, shows through the appliance: without an IPython shell its
        # display() would print reprs and clear_output() terminal escapes.
        def patch_ipython_display(module):
            kernel = sys.modules["appliance_kernel"]
            for name in ("display", "clear_output", "update_display", "DisplayHandle", "set_matplotlib_formats"):
                if hasattr(module, name):
                    setattr(module, name, getattr(kernel, name))
        # tqdm's notebook bars are real ipywidgets, which need Jupyter's comms: they are drawn with
        # the appliance's progress control instead (Worker/Python/kernel_progress.py). tqdm.auto
        # picks them through tqdm.autonotebook, as in Jupyter (it would find no IPython kernel here).
        def patch_tqdm_notebook(module):
            import appliance_progress
            module.tqdm = appliance_progress.tqdm_notebook()
            module.trange = appliance_progress.trange
            if hasattr(module, "tqdm_notebook"):
                module.tqdm_notebook, module.tnrange = module.tqdm, module.trange
        _patches = dict.fromkeys(("IPython.core.display_functions", "IPython.core.display", "IPython.display",
                                  "matplotlib_inline.backend_inline"), patch_ipython_display)
        _patches["tqdm.notebook"] = _patches["tqdm.autonotebook"] = patch_tqdm_notebook
        # getpass() reads a terminal the kernel does not have: it asks through the page instead.
        def patch_getpass(module):
            module.getpass = sys.modules["appliance_kernel"].read_password
        _patches["getpass"] = patch_getpass
        # help(name) pages on a terminal (and failed on the kernel's closed stdin): print it instead.
        def patch_pydoc(module):
            module.pager = module.plainpager
        _patches["pydoc"] = patch_pydoc
        # The GPU memory fraction takes hold when CUDA starts, before torch allocates (kernel_gpu.py).
        def patch_torch_cuda(module):
            sys.modules["appliance_kernel"].cap_gpu_memory_when_cuda_starts(module)
        _patches["torch.cuda"] = patch_torch_cuda
        _load("appliance_magics")
        _load("appliance_display")
        _load("appliance_gpu")
        _load("appliance_kernel")
        _load("appliance")
        sys.meta_path.insert(0, _Finder(lazy))
        sys.meta_path.insert(0, _PatchOnLoad(_patches))
        # interact's controls: the appliance's ipywidgets comes first, as the real one cannot work here.
        sys.meta_path.insert(0, _Finder(("ipywidgets",)))
        for _name in [name for name in _patches if name in sys.modules]:  # imported while Python started
            _patches[_name](sys.modules[_name])
        # Where IPython is not installed, a stand-in for IPython.display (Worker/Python/ipython_display.py),
        # found after every real finder so that an installed IPython always wins.
        sys.meta_path.append(_Finder(("IPython", "IPython.core", "IPython.display", "IPython.core.display"), packages=("IPython", "IPython.core")))
        if nanochat and nanochat not in sys.path:
            sys.path.insert(0, nanochat)
        if "" not in sys.path:
            sys.path.insert(0, "")
        sys.argv = [""]
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        """;

    /// <summary>Milliseconds since the start of <see cref="Initialize"/> after each stage (NANOCHAT_KERNEL_TRACE prints them).</summary>
    public List<(string Stage, long Milliseconds)> Stages { get; } = [];

    /// <summary>torch's reserved CUDA memory after the last cell (bytes), for stats.</summary>
    public long GpuBytes { get; private set; }

    public string Version { get; private set; } = "";

    /// <summary>Loads libpython and the appliance modules. Must run on the thread that will run cells.</summary>
    public void Initialize(PythonInstallation python, string? nanochatDirectory, double gpuFraction)
    {
        Runtime.PythonDLL = python.LibraryPath;
        // The interpreter's own path: CPython derives sys.prefix (and reads a venv's pyvenv.cfg) from it.
        PythonEngine.ProgramName = python.Executable;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        PythonEngine.Initialize();
        Stages.Add(("pythonnet Initialize", clock.ElapsedMilliseconds));
        // Still holding the GIL from Initialize: `import threading` first, so Python records this
        // thread as its main thread.
        PythonEngine.Exec("import threading");
        _mainThread = NativeMethods.pthread_self();
        using (var globals = new PyDict())
        {
            globals["sources"] = new PyDict();
            using var sources = globals["sources"];
            foreach (var (module, resource) in StartModules.Concat(LazyModules).Concat(StandIns))
                sources[module] = new PyString(ReadResource(resource));
            sources["IPython.core"] = new PyString("");
            sources["IPython.core.display"] = new PyString("from IPython.display import *\nfrom IPython.display import __all__\n");
            globals["lazy"] = new PyTuple([.. LazyModules.Select(entry => (PyObject)new PyString(entry.Module))]);
            globals["nanochat"] = nanochatDirectory is null ? PyObject.None : new PyString(nanochatDirectory);
            PythonEngine.Exec(Bootstrap, globals);
        }
        Stages.Add(("appliance modules", clock.ElapsedMilliseconds));
        _runtime = Py.Import("appliance_kernel");
        using (var bridge = new PythonBridge(this).ToPython())
        using (var fraction = new PyFloat(gpuFraction))
            _runtime.InvokeMethod("install", bridge, fraction).Dispose();
        using (var threading = Py.Import("threading"))
        using (var main = threading.InvokeMethod("main_thread"))
        using (var ident = main.GetAttr("ident"))
            _pythonMainThreadId = ident.As<ulong>();
        using (var sys = Py.Import("sys"))
        using (var version = sys.GetAttr("version"))
            Version = version.As<string>().Split(' ')[0];
        Stages.Add(("install", clock.ElapsedMilliseconds));
        PythonEngine.BeginAllowThreads();
    }

    /// <summary>Runs one cell on the calling (main) thread and reports its outcome.</summary>
    public DoneNotification Run(ExecuteCommand command)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        _capture.CurrentExecutionId = command.Id;
        lock (_interruptLock)
            _running = command.Id;
        string status;
        int count;
        using (Py.GIL())
        {
            try
            {
                using var silent = command.Silent.ToPython();
                using var result = _runtime!.InvokeMethod("run_cell", new PyString(command.Id), new PyString(command.Namespace), new PyString(command.Code), silent);
                using var first = result[0];
                using var second = result[1];
                status = first.As<string>();
                count = second.As<int>();
                using var gpu = _runtime.InvokeMethod("gpu_bytes");
                GpuBytes = gpu.As<long>();
            }
            catch (PythonException error)
            {
                // Only an interrupt landing in the runtime's own bookkeeping gets here; the cell is over.
                status = error.Type.Name == "KeyboardInterrupt" ? "interrupted" : "error";
                using var counter = _runtime!.GetAttr("_execution_count");
                count = counter.As<int>();
            }
        }
        lock (_interruptLock)
            _running = null;
        _capture.Drain();
        return new DoneNotification(command.Id, status, count, started.ElapsedMilliseconds);
    }

    /// <summary>
    /// KeyboardInterrupt into the running cell: SIGINT to the main thread wakes sleeps and blocking
    /// I/O; PythonEngine.Interrupt (which needs the GIL) covers code that does not check signals.
    /// Ignored unless <paramref name="executionId"/> is the cell that runs now.
    /// </summary>
    public void Interrupt(string executionId)
    {
        lock (_interruptLock)
        {
            if (_running != executionId)
                return;
            _ = NativeMethods.pthread_kill(_mainThread, NativeMethods.SIGINT);
        }
        // The signal alone stops Python code and wakes sleeps; the asynchronous exception is the
        // fallback for code that blocked or replaced the SIGINT handler, so it waits a moment.
        _ = Task.Delay(AsyncInterruptDelayMs).ContinueWith(_ =>
        {
            lock (_interruptLock)
            {
                if (_running != executionId)
                    return;
            }
            using (Py.GIL())
            {
                lock (_interruptLock)
                {
                    if (_running == executionId)
                        PythonEngine.Interrupt(_pythonMainThreadId);
                }
            }
        });
    }

    /// <summary>Completion candidates; none (rather than no answer) if the completer itself fails.</summary>
    public CompletionsNotification Complete(CompleteCommand command) =>
        CallAtCursor("complete", command.Namespace, command.Code, command.Cursor,
            answer =>
            {
                using PyObject matches = answer[0], start = answer[1], kinds = answer[2];
                return new CompletionsNotification(command.Id, matches.As<string[]>(), start.As<int>(), kinds.As<string[]>());
            },
            new CompletionsNotification(command.Id, [], command.Cursor, []));

    /// <summary>Shift+Tab help; "not found" (rather than no answer) if looking it up fails.</summary>
    public InspectionNotification Inspect(InspectCommand command) =>
        CallAtCursor("inspect", command.Namespace, command.Code, command.Cursor,
            answer =>
            {
                using PyObject found = answer[0], text = answer[1];
                return new InspectionNotification(command.Id, found.As<bool>(), text.As<string>());
            },
            new InspectionNotification(command.Id, false, ""));

    /// <summary>Hands the student's line to input() if execution <c>reply.Id</c> is the one waiting for it.</summary>
    public void DeliverInput(InputReplyCommand reply)
    {
        using (Py.GIL())
        {
            try
            {
                using var id = new PyString(reply.Id);
                using var value = new PyString(reply.Value);
                _runtime!.InvokeMethod("deliver_input", id, value).Dispose();
            }
            catch (PythonException)
            {
                // Nothing waits for it (the cell was interrupted meanwhile): the line is dropped.
            }
        }
    }

    // complete and inspect in appliance_kernel both take (namespace, code, cursor) and answer a tuple
    // (complete: matches, start, kinds; inspect: found, text); `fallback` when Python raises, so the
    // web side always gets an answer.
    private T CallAtCursor<T>(string function, string @namespace, string code, int cursor, Func<PyObject, T> read, T fallback)
    {
        using (Py.GIL())
        {
            try
            {
                using var name = new PyString(@namespace);
                using var source = new PyString(code);
                using var position = new PyInt(cursor);
                using var result = _runtime!.InvokeMethod(function, name, source, position);
                return read(result);
            }
            catch (PythonException)
            {
                return fallback;
            }
        }
    }

    internal void Emit(string kind, string json)
    {
        _capture.Drain();
        var payload = JsonNode.Parse(json)!.AsObject();
        var id = _capture.CurrentExecutionId;
        KernelMessage message = kind switch
        {
            "display" => new DisplayNotification(id, (string?)payload["outputType"] ?? "display_data",
                ObjectOrEmpty(payload["data"]), ObjectOrEmpty(payload["metadata"]), (string?)payload["displayId"]),
            "update_display" => new UpdateDisplayNotification(id, (string?)payload["outputType"] ?? "display_data",
                ObjectOrEmpty(payload["data"]), ObjectOrEmpty(payload["metadata"]), (string?)payload["displayId"] ?? ""),
            "clear_output" => new ClearOutputNotification(id, (bool?)payload["wait"] ?? false),
            "set_next_input" => new SetNextInputNotification(id, (string?)payload["text"] ?? "", (bool?)payload["replace"] ?? false),
            "input_request" => new InputRequestNotification(id, (string?)payload["prompt"] ?? "", (bool?)payload["password"] ?? false),
            "error" => new ErrorNotification(id, (string?)payload["ename"] ?? "Error", (string?)payload["evalue"] ?? "",
                payload["traceback"]?.AsArray().Select(line => (string?)line ?? "").ToList() ?? []),
            _ => throw new InvalidOperationException($"Unknown output kind '{kind}' from the Python runtime."),
        };
        _send(message);
    }

    private static JsonObject ObjectOrEmpty(JsonNode? node) => node is JsonObject value ? (JsonObject)value.DeepClone() : [];

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"worker/{name}")
            ?? throw new InvalidOperationException($"The embedded Python module '{name}' is missing from this build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>What Python code sees as the host: `_host.Emit(kind, json)` sends rich output and errors.</summary>
public sealed class PythonBridge(PythonHost host)
{
    public void Emit(string kind, string json) => host.Emit(kind, json);
}
