using System.Diagnostics;
using System.Globalization;

namespace NanoChat.Appliance.Admin;

/// <summary>
/// GPU utilisation and memory per GPU and per process from <c>nvidia-smi --query-…</c> (CSV, no
/// units). Absent nvidia-smi, or one that fails, reads as "no GPU" with the reason. Process ids are
/// matched to appliance workers by their command line (<c>kernel … --user NAME</c>).
/// </summary>
public static class GpuProbe
{
    /// <summary>How long nvidia-smi may take before we give up (ms); it can hang on a wedged driver.</summary>
    private const int TimeoutMs = 5_000;

    public sealed record Gpu(string Uuid, int Index, string Name, int UtilizationPercent, long MemoryUsedMiB, long MemoryTotalMiB);
    public sealed record GpuProcess(int Pid, string GpuUuid, string ProcessName, long MemoryUsedMiB, string? Username);
    public sealed record Reading(IReadOnlyList<Gpu> Gpus, IReadOnlyList<GpuProcess> Processes, string? Problem);

    public static Reading Read()
    {
        var smi = FindOnPath("nvidia-smi");
        if (smi is null)
            return new Reading([], [], "no GPU (nvidia-smi not found)");
        var gpus = Run(smi, "--query-gpu=uuid,index,name,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits");
        if (gpus.Error is not null)
            return new Reading([], [], $"nvidia-smi failed: {gpus.Error}");
        var apps = Run(smi, "--query-compute-apps=pid,gpu_uuid,process_name,used_memory --format=csv,noheader,nounits");
        return new Reading(ParseGpus(gpus.Output), apps.Error is null ? ParseProcesses(apps.Output) : [], null);
    }

    public static List<Gpu> ParseGpus(string csv) =>
        Rows(csv).Where(cells => cells.Length >= 6).Select(cells => new Gpu(
            cells[0], Int(cells[1]), cells[2], Int(cells[3]), Long(cells[4]), Long(cells[5]))).ToList();

    public static List<GpuProcess> ParseProcesses(string csv) =>
        Rows(csv).Where(cells => cells.Length >= 4).Select(cells =>
        {
            var pid = Int(cells[0]);
            return new GpuProcess(pid, cells[1], cells[2], Long(cells[3]), WorkerUser(pid));
        }).ToList();

    private static IEnumerable<string[]> Rows(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(',').Select(cell => cell.Trim()).ToArray());

    // "[N/A]" and "[Not Supported]" appear on some boards; they read as 0.
    private static int Int(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static long Long(string text) => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>The appliance user a worker process runs for, from its command line; null for other processes.</summary>
    private static string? WorkerUser(int pid)
    {
        try
        {
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            var user = Array.IndexOf(args, "--user");
            return args.Contains("kernel") && user >= 0 && user + 1 < args.Length ? args[user + 1] : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);

    private static (string Output, string? Error) Run(string program, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeoutMs))
            {
                process.Kill(entireProcessTree: true);
                return ("", $"no answer within {TimeoutMs / 1000} seconds");
            }
            return process.ExitCode == 0 ? (output.Result, null) : ("", error.Result.Trim() is { Length: > 0 } text ? text : $"exit code {process.ExitCode}");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            return ("", error.Message);
        }
    }
}
