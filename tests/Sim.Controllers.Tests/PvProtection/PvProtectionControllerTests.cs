using k8s.Models;
using Sim.Controllers.Tests.PersistentVolume;
using Sim.Core.Serialization;
using static Sim.Controllers.Tests.PersistentVolume.StorageHarness;

namespace Sim.Controllers.Tests.PvProtection;

public class PvProtectionControllerTests
{
    [Fact]
    public void ABoundVolume_IsKeptTerminating_UntilItIsReleased()
    {
        var h = Create();
        h.Apply<V1PersistentVolume>(Volume("disk", "1Gi"));
        h.For(1);
        h.Apply<V1PersistentVolumeClaim>(Claim("data", "1Gi", "manual"));
        h.Until(() => h.Pvc("data").Status.Phase == "Bound", 1);

        h.Delete<V1PersistentVolume>("disk", null);
        h.For(30);
        Assert.NotNull(h.Pv("disk").Metadata.DeletionTimestamp);
        Assert.Equal("Bound", h.Pv("disk").Status.Phase);

        h.Delete<V1PersistentVolumeClaim>("data");
        var released = h.Elapsed.TotalSeconds;
        Assert.Equal(released, h.Until(() => h.FindPv("disk") is null, 1));
    }

    [Fact]
    public void AnUnboundVolume_IsDeletedAtOnce()
    {
        var h = Create();
        h.Apply<V1PersistentVolume>(Volume("disk", "1Gi"));
        h.For(1);
        Assert.Equal(["kubernetes.io/pv-protection"], h.Pv("disk").Metadata.Finalizers);
        h.Delete<V1PersistentVolume>("disk", null);
        h.Until(() => h.FindPv("disk") is null, 1);
    }

    [Fact]
    public void AVolumeThatLostItsFinalizer_GetsItBack()
    {
        var h = Create();
        h.Apply<V1PersistentVolume>(Volume("disk", "1Gi"));
        h.For(1);
        var pv = ModelCopy.Clone(h.Pv("disk"));
        pv.Metadata.Finalizers = null;
        h.Kubectl.Update(pv).Unwrap();
        h.For(1);
        Assert.Equal(["kubernetes.io/pv-protection"], h.Pv("disk").Metadata.Finalizers);
    }
}
