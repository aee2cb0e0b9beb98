using System.Globalization;
using k8s.Models;
using Sim.Core.Serialization;

namespace Sim.Controllers.Deployment;

/// <summary>
/// The <c>pod-template-hash</c> label: an FNV-32a hash of the pod template (plus the collision count), printed as a
/// decimal uint32 and mapped through Kubernetes' safe alphabet, so it uses only <c>4-9 b c d f</c>. The hashed bytes
/// are the template's canonical JSON (Kubernetes hashes Go's spew dump of the struct, which .NET cannot reproduce), so
/// values differ from a real cluster's for the same template while the form and behaviour are the same.
/// </summary>
public static class PodTemplateHash
{
    /// <summary>The label key.</summary>
    public const string Label = "pod-template-hash";

    private const string Alphanums = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>The hash of <paramref name="template"/> with <paramref name="collisionCount"/> mixed in when set.</summary>
    public static string Compute(V1PodTemplateSpec template, int? collisionCount)
    {
        const uint offset = 2166136261;
        const uint prime = 16777619;
        var hash = offset;
        foreach (var b in KubeJson.SerializeToUtf8Bytes(template))
        {
            hash ^= b;
            hash *= prime;
        }
        if (collisionCount is { } c)
        {
            Span<byte> bytes = stackalloc byte[8];
            BitConverter.TryWriteBytes(bytes, (uint)c);
            foreach (var b in bytes)
            {
                hash ^= b;
                hash *= prime;
            }
        }
        return SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>apimachinery's <c>rand.SafeEncodeString</c>: each byte mapped to <c>alphanums[b % 27]</c>.</summary>
    public static string SafeEncode(string s)
    {
        var chars = new char[s.Length];
        for (var i = 0; i < s.Length; i++) chars[i] = Alphanums[s[i] % Alphanums.Length];
        return new string(chars);
    }
}
