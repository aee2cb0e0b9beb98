using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Manifests;
using Sim.Core.Serialization;

namespace Sim.Core.Tests.Api;

public class StorageAdmissionTests
{
    internal static T Load<T>(string yaml) where T : class, KubeObject => (T)ManifestLoader.LoadText(yaml, "inline.yaml").Documents.Single().Object;

    internal static V1PersistentVolumeClaim Claim(string name = "data", string? storageClass = null, string size = "1Gi", string modes = "[ReadWriteOnce]", string annotations = "{}") => Load<V1PersistentVolumeClaim>($$"""
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: {{name}}, annotations: {{annotations}}}
        spec:
          accessModes: {{modes}}
          {{(storageClass is null ? "" : $"storageClassName: \"{storageClass}\"")}}
          resources:
            requests:
              storage: {{size}}
        """);

    [Fact]
    public void TheCluster_StartsWithStandardAsDefaultAndLonghorn()
    {
        var classes = Some.Server().List(ResourceKinds.StorageClass).Unwrap().Items.Cast<V1StorageClass>().ToList();
        Assert.Equal(["longhorn", "standard"], classes.Select(c => c.Metadata.Name));
        var standard = classes.Single(c => c.Metadata.Name == "standard");
        Assert.Equal(("k8s.io/minikube-hostpath", "Delete", "Immediate", "true"),
            (standard.Provisioner, standard.ReclaimPolicy, standard.VolumeBindingMode, standard.Metadata.Annotations["storageclass.kubernetes.io/is-default-class"]));
        var longhorn = classes.Single(c => c.Metadata.Name == "longhorn");
        Assert.Equal(("driver.longhorn.io", "Delete", "Immediate", true, "false"),
            (longhorn.Provisioner, longhorn.ReclaimPolicy, longhorn.VolumeBindingMode, longhorn.AllowVolumeExpansion, longhorn.Metadata.Annotations["storageclass.kubernetes.io/is-default-class"]));
    }

    [Fact]
    public void AClaimWithoutAClass_GetsTheDefaultClass_AndThePvcProtectionFinalizer()
    {
        var pvc = (V1PersistentVolumeClaim)Some.Server().Create(Claim()).Unwrap();
        Assert.Equal("standard", pvc.Spec.StorageClassName);
        Assert.Equal(["kubernetes.io/pvc-protection"], pvc.Metadata.Finalizers);
        Assert.Equal(("Pending", "Filesystem"), (pvc.Status.Phase, pvc.Spec.VolumeMode));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("longhorn", "longhorn")]
    [InlineData("does-not-exist", "does-not-exist")]
    public void AClaimNamingAClass_KeepsIt_EvenTheEmptyOne(string asked, string stored)
    {
        var pvc = (V1PersistentVolumeClaim)Some.Server().Create(Claim(storageClass: asked)).Unwrap();
        Assert.Equal(stored, pvc.Spec.StorageClassName);
    }

    [Fact]
    public void AClaimWithTheBetaClassAnnotation_IsNotGivenTheDefault()
    {
        var pvc = (V1PersistentVolumeClaim)Some.Server().Create(Claim(annotations: "{volume.beta.kubernetes.io/storage-class: longhorn}")).Unwrap();
        Assert.Null(pvc.Spec.StorageClassName);
    }

    [Fact]
    public void OfTwoDefaultClasses_TheNewestWins()
    {
        var server = Some.Server();
        server.Loop.RunFor(Sim.Core.Time.SimDuration.FromSeconds(5));
        server.Create(Load<V1StorageClass>("""
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata: {name: fast, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
            provisioner: driver.longhorn.io
            """)).Unwrap();
        Assert.Equal("fast", ((V1PersistentVolumeClaim)server.Create(Claim()).Unwrap()).Spec.StorageClassName);
    }

    [Fact]
    public void WithoutADefaultClass_AClaimHasNone()
    {
        var server = Some.Server();
        var standard = ModelCopy.Clone((V1StorageClass)server.Get(ResourceKinds.StorageClass, null, "standard").Unwrap());
        standard.Metadata.Annotations["storageclass.kubernetes.io/is-default-class"] = "false";
        server.Update(standard).Unwrap();
        Assert.Null(((V1PersistentVolumeClaim)server.Create(Claim()).Unwrap()).Spec.StorageClassName);
    }

    [Fact]
    public void AVolume_GetsThePvProtectionFinalizer_PendingWithItsTransitionTime()
    {
        var server = Some.Server();
        var pv = (V1PersistentVolume)server.Create(Load<V1PersistentVolume>("""
            apiVersion: v1
            kind: PersistentVolume
            metadata: {name: disk}
            spec:
              capacity: {storage: 1Gi}
              accessModes: [ReadWriteOnce]
              hostPath: {path: /mnt/disk}
            """)).Unwrap();
        Assert.Equal(["kubernetes.io/pv-protection"], pv.Metadata.Finalizers);
        Assert.Equal(("Retain", "Filesystem", ""), (pv.Spec.PersistentVolumeReclaimPolicy, pv.Spec.VolumeMode, pv.Spec.HostPath.Type));
        Assert.Equal("Pending", pv.Status.Phase);
        Assert.Equal(server.Loop.Now.ToKubeTime(), pv.Status.LastPhaseTransitionTime);

        server.Loop.RunFor(Sim.Core.Time.SimDuration.FromSeconds(7));
        var available = ModelCopy.Clone(pv);
        available.Status.Phase = "Available";
        var written = (V1PersistentVolume)server.UpdateStatus(available).Unwrap();
        Assert.Equal(server.Loop.Now.ToKubeTime(), written.Status.LastPhaseTransitionTime);
    }
}
