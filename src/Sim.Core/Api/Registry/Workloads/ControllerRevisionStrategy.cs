using k8s.Models;

namespace Sim.Core.Api.Registry.Workloads;

/// <summary>apps/v1 ControllerRevision: a non-negative revision and immutable data.</summary>
internal sealed class ControllerRevisionStrategy : KindStrategy<V1ControllerRevision>
{
    protected override bool ChangesGeneration(V1ControllerRevision obj, V1ControllerRevision old) => false;

    protected override IEnumerable<FieldError> Validate(V1ControllerRevision cr) => Registry.Validate.NonNegative("revision", cr.Revision);

    protected override IEnumerable<FieldError> ValidateUpdate(V1ControllerRevision cr, V1ControllerRevision old) =>
        Validate(cr).Concat(Registry.Validate.Immutable("data", cr.Data, old.Data, new GoLiteral("runtime.RawExtension{...}")));
}
