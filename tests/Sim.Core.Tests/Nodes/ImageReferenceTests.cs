using Sim.Core.Nodes;

namespace Sim.Core.Tests.Nodes;

/// <summary>Image names are checked as the kubelet's reference parser checks them, before any pull.</summary>
public class ImageReferenceTests
{
    [Theory]
    [InlineData("nginx")]
    [InlineData("nginx:1.27")]
    [InlineData("registry.k8s.io/pause:3.10")]
    [InlineData("localhost:5000/team/app:v1")]
    [InlineData("busybox@sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public void NamesARegistryCouldServeParse(string image) => Assert.Null(ImageReference.Problem(image));

    [Theory]
    [InlineData("@x", "couldn't parse image name \"@x\": invalid reference format")]
    [InlineData("", "couldn't parse image name \"\": invalid reference format")]
    [InlineData("Nginx", "couldn't parse image name \"Nginx\": invalid reference format: repository name (library/Nginx) must be lowercase")]
    [InlineData("nginx:", "couldn't parse image name \"nginx:\": invalid reference format")]
    [InlineData("a\nb", "couldn't parse image name \"a\\nb\": invalid reference format")]
    [InlineData("nginx@md5:00000000000000000000000000000000", "couldn't parse image name \"nginx@md5:00000000000000000000000000000000\": unsupported digest algorithm")]
    public void NamesNoRegistryCouldServeAreRefusedInTheParsersWords(string image, string expected) => Assert.Equal(expected, ImageReference.Problem(image));
}
