namespace NanoChat.Appliance.Admin;

/// <summary>
/// Whether this box has a GPU, asked of <see cref="GpuProbe"/> once (GPUs do not come and go while
/// the appliance runs, and nvidia-smi can take seconds): the Tutorials page marks GPU tutorials on a
/// box without one. The probe is a constructor argument so a test can stand for a box it is not on.
/// Singleton.
/// </summary>
public sealed class GpuPresence(Func<GpuProbe.Reading> probe)
{
    private readonly Lazy<GpuProbe.Reading> _reading = new(probe, LazyThreadSafetyMode.ExecutionAndPublication);

    public GpuPresence() : this(GpuProbe.Read)
    {
    }

    public bool HasGpu => _reading.Value.Problem is null && _reading.Value.Gpus.Count > 0;
}
