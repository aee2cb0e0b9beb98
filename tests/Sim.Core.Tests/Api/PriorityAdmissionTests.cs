using k8s.Models;
using Sim.Core.Api;
using Sim.Core.Serialization;

namespace Sim.Core.Tests.Api;

public class PriorityAdmissionTests
{
    private static V1PriorityClass Class(string name, int value, bool globalDefault = false, string? policy = null) =>
        new() { Metadata = new V1ObjectMeta { Name = name }, Value = value, GlobalDefault = globalDefault ? true : null, PreemptionPolicy = policy };

    private static V1Pod PodOf(string name, string? priorityClassName = null, int? priority = null)
    {
        var pod = Some.Pod(name);
        pod.Spec.PriorityClassName = priorityClassName;
        pod.Spec.Priority = priority;
        return pod;
    }

    [Fact]
    public void SystemPriorityClasses_ExistAtStart()
    {
        var server = Some.Server();
        var classes = server.List(ResourceKinds.PriorityClass).Unwrap().Items.Cast<V1PriorityClass>().ToDictionary(c => c.Metadata.Name, c => (int)c.Value!);
        Assert.Equal(new Dictionary<string, int> { ["system-cluster-critical"] = 2000000000, ["system-node-critical"] = 2000001000 }, classes);
    }

    [Fact]
    public void PodNamingAClass_GetsItsValueAndPolicy()
    {
        var server = Some.Server();
        server.Create(Class("batch", 100, policy: "Never")).Unwrap();
        var pod = (V1Pod)server.Create(PodOf("job", "batch")).Unwrap();
        Assert.Equal((100, "Never"), ((int)pod.Spec.Priority!, pod.Spec.PreemptionPolicy));
        var critical = (V1Pod)server.Create(PodOf("dns", "system-cluster-critical")).Unwrap();
        Assert.Equal((2000000000, "PreemptLowerPriority"), ((int)critical.Spec.Priority!, critical.Spec.PreemptionPolicy));
    }

    [Fact]
    public void PodWithoutAClass_GetsTheGlobalDefault_OrZero()
    {
        var server = Some.Server();
        Assert.Equal(0, ((V1Pod)server.Create(PodOf("before")).Unwrap()).Spec.Priority);
        server.Create(Class("normal", 50, globalDefault: true)).Unwrap();
        var pod = (V1Pod)server.Create(PodOf("after")).Unwrap();
        Assert.Equal(("normal", 50), (pod.Spec.PriorityClassName, (int)pod.Spec.Priority!));
    }

    [Theory]
    [InlineData("nope", null, "pods \"p\" is forbidden: no PriorityClass with name nope was found")]
    [InlineData(null, 5, "pods \"p\" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name")]
    public void PodPriorityThatCannotBeResolved_IsForbidden(string? className, int? priority, string expected)
    {
        var error = Some.Server().Create(PodOf("p", className, priority)).Error!;
        Assert.Equal((403, expected), (error.Code, error.Message));
    }

    [Fact]
    public void SecondGlobalDefault_IsForbidden()
    {
        var server = Some.Server();
        server.Create(Class("one", 1, globalDefault: true)).Unwrap();
        var error = server.Create(Class("two", 2, globalDefault: true)).Error!;
        Assert.Equal("priorityclasses.scheduling.k8s.io \"two\" is forbidden: PriorityClass one is already marked as default. Only one default can exist", error.Message);
    }

    [Theory]
    [InlineData("huge", 1000000001, "PriorityClass.scheduling.k8s.io \"huge\" is invalid: value: Forbidden: maximum allowed value of a user defined priority is 1000000000")]
    [InlineData("system-mine", 10, "PriorityClass.scheduling.k8s.io \"system-mine\" is invalid: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class")]
    public void InvalidPriorityClass_IsRefusedWithKubernetesWords(string name, int value, string expected)
    {
        var error = Some.Server().Create(Class(name, value)).Error!;
        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void PriorityClassValue_CannotChange()
    {
        var server = Some.Server();
        var pc = (V1PriorityClass)server.Create(Class("batch", 100)).Unwrap();
        var changed = ModelCopy.Clone(pc);
        changed.Value = 200;
        Assert.Equal("PriorityClass.scheduling.k8s.io \"batch\" is invalid: value: Forbidden: may not be changed in an update.", server.Update(changed).Error!.Message);
    }
}
