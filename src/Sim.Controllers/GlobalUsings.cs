global using KubeObject = k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>;
global using Sim.Core.Api.Client;
global using Sim.Core.Api;
