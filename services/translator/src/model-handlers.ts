import { unaryHandler } from './calls.js';
import type { CallKit } from './calls.js';
import { ModelNotFoundError } from './errors.js';
import type {
  AliasModelRequest,
  DeleteModelRequest,
  GetModelRequest,
  ListModelsResponse,
  ModelChangeResponse,
  ModelInfoMessage,
  ModelVersionMessage,
  PromoteModelRequest,
} from './proto.js';
import type { DescribedVersion, ModelRegistry } from './registry.js';
import { parseModelRef } from './registry.js';

/** A registry version as the ModelVersion message. */
export function versionMessage({ version, manifest, engine, promoted, aliases }: DescribedVersion): ModelVersionMessage {
  const { metrics, stage, step, totalSteps, complete, degraded, degradedReasons, backend } = manifest;
  return {
    version,
    createdAt: manifest.created,
    configJson: JSON.stringify(manifest.config),
    metricsJson: JSON.stringify({ ...metrics, stage, step, totalSteps, complete, degraded, degradedReasons, backend }),
    imageSize: manifest.config.imageSize,
    attention: manifest.hasAttention,
    engine,
    complete,
    promoted,
    aliases,
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

type ChangeHandler<Req> = ReturnType<typeof unaryHandler<Req, ModelChangeResponse>>;

/** `PromoteModel` (admin): a partial version may then be served as `name` / `name@latest`. */
export function promoteModelHandler(kit: CallKit, registry: ModelRegistry): ChangeHandler<PromoteModelRequest> {
  return unaryHandler<PromoteModelRequest, ModelChangeResponse>(kit, 'PromoteModel', async ({ model }) => {
    await registry.promote(model);
    return { model: await modelInfo(registry, parseModelRef(model).name) };
  });
}

/** `AliasModel` (admin): points `name@alias` at a version, or removes the alias (empty version). */
export function aliasModelHandler(kit: CallKit, registry: ModelRegistry): ChangeHandler<AliasModelRequest> {
  return unaryHandler<AliasModelRequest, ModelChangeResponse>(kit, 'AliasModel', async ({ name, alias, version }) => {
    await registry.alias(name, alias, version);
    return { model: await modelInfo(registry, name) };
  });
}

/** `DeleteModel` (admin): deletes one version (refused while an alias names it). */
export function deleteModelHandler(kit: CallKit, registry: ModelRegistry): ChangeHandler<DeleteModelRequest> {
  return unaryHandler<DeleteModelRequest, ModelChangeResponse>(kit, 'DeleteModel', async ({ model }) => {
    await registry.delete(model);
    return { model: await modelInfo(registry, parseModelRef(model).name) };
  });
}
