import { unaryHandler } from './calls.js';
import type { CallKit } from './calls.js';
import { ModelNotFoundError } from './errors.js';
import type { GetModelRequest, ListModelsResponse, ModelInfoMessage, ModelVersionMessage } from './proto.js';
import type { DescribedVersion, ModelRegistry } from './registry.js';
import { parseModelRef } from './registry.js';

/** A registry version as the ModelVersion message. */
export function versionMessage({ version, manifest, engine }: DescribedVersion): ModelVersionMessage {
  const { metrics, stage, step, totalSteps, complete, degraded, degradedReasons, backend } = manifest;
  return {
    version,
    createdAt: manifest.created,
    configJson: JSON.stringify(manifest.config),
    metricsJson: JSON.stringify({ ...metrics, stage, step, totalSteps, complete, degraded, degradedReasons, backend }),
    imageSize: manifest.config.imageSize,
    attention: manifest.hasAttention,
    engine,
  };
}

async function modelInfo(registry: ModelRegistry, name: string): Promise<ModelInfoMessage> {
  return { name, versions: (await registry.describe(name)).map(versionMessage) };
}

/** `ListModels`: every model with all its versions. */
export function listModelsHandler(kit: CallKit, registry: ModelRegistry): ReturnType<typeof unaryHandler<unknown, ListModelsResponse>> {
  return unaryHandler<unknown, ListModelsResponse>(kit, 'ListModels', async () => ({
    models: await Promise.all((await registry.names()).map((name) => modelInfo(registry, name))),
  }));
}

/** `GetModel`: `name` gives every version, `name@version` / `name@latest` that one version. */
export function getModelHandler(kit: CallKit, registry: ModelRegistry): ReturnType<typeof unaryHandler<GetModelRequest, ModelInfoMessage>> {
  return unaryHandler<GetModelRequest, ModelInfoMessage>(kit, 'GetModel', async ({ model }) => {
    const { name } = parseModelRef(model);
    if (!model.includes('@')) {
      const info = await modelInfo(registry, name);
      if (info.versions?.length === 0) throw new ModelNotFoundError(model, `Model "${name}" is not in the registry.`);
      return info;
    }
    const resolved = await registry.resolve(model);
    const info = await modelInfo(registry, name);
    return { name, versions: info.versions?.filter((v) => v.version === resolved.version) };
  });
}
