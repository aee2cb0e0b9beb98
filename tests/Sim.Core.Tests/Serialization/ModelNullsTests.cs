using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Core.Tests.Serialization;

public class ModelNullsTests
{
    [Fact]
    public void Fill_NullElementsAndMapValues_BecomeGoZeroValues()
    {
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", Labels = new Dictionary<string, string> { ["a"] = null! }, Finalizers = [null!] },
            Spec = new V1PodSpec
            {
                Containers = [null!, new V1Container { Name = "c", Args = [null!], Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = null! } } }],
                SecurityContext = new V1PodSecurityContext { SupplementalGroups = [null, 7] },
            },
        };

        ModelNulls.Fill(pod);

        Assert.Equal("", pod.Metadata.Labels["a"]);
        Assert.Equal([""], pod.Metadata.Finalizers);
        Assert.NotNull(pod.Spec.Containers[0]);
        Assert.Equal([""], pod.Spec.Containers[1].Args);
        Assert.Equal("0", pod.Spec.Containers[1].Resources.Limits["cpu"].ToString());
        Assert.Equal([0L, 7L], pod.Spec.SecurityContext.SupplementalGroups);
    }

    [Fact]
    public void Fill_ReadOnlyListHoldingANull_IsReplacedByAFilledCopy()
    {
        var readOnly = new List<V1Toleration> { null! }.AsReadOnly();
        var spec = new V1PodSpec { Tolerations = readOnly };

        ModelNulls.Fill(spec);

        Assert.NotSame(readOnly, spec.Tolerations);
        Assert.NotNull(Assert.Single(spec.Tolerations));
        Assert.Null(readOnly[0]);
    }

    [Fact]
    public void Fill_CollectionsWithoutNulls_AreLeftAsTheyAre()
    {
        var pod = Some.Pod(labels: Some.Labels("app=web"));
        var containers = pod.Spec.Containers;
        var labels = pod.Metadata.Labels;

        ModelNulls.Fill(pod);

        Assert.Same(containers, pod.Spec.Containers);
        Assert.Same(labels, pod.Metadata.Labels);
    }

    [Fact]
    public void ZeroOf_IsGoZeroValueOrNullWhereGoHasNil()
    {
        Assert.Equal("", ModelNulls.ZeroOf(typeof(string)));
        Assert.Equal(0, ModelNulls.ZeroOf(typeof(int?)));
        Assert.Equal("0", ModelNulls.ZeroOf(typeof(ResourceQuantity))!.ToString());
        Assert.IsType<V1Container>(ModelNulls.ZeroOf(typeof(V1Container)));
        Assert.Null(ModelNulls.ZeroOf(typeof(object)));
        Assert.Null(ModelNulls.ZeroOf(typeof(DateTime?)));
    }
}
