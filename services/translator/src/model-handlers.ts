import { toDuration, toStruct, toTimestamp } from '@sim2real/contracts';
import { unaryHandler } from './calls.js';
import type { CallKit } from './calls.js';
import { InvalidRequestError, ModelNotFoundError } from './errors.js';
import { trainingStage } from './job-runner.js';
import type {
  AliasModelRequest,
  DeleteModelRequest,
  GetModelRequest,
  GetModelResponse,
  ListModelsRequest,
  ListModelsResponse,
  ModelChangeResponse,
  ModelInfoMessage,
  ModelVersionMessage,
  PromoteModelRequest,
} from './proto.js';
import type { DescribedVersion, ModelRegistry } from './registry.js';
import { compareVersions, parseModelRef } from './registry.js';

/** Models per ListModels page when the request names no page size, and the most one page holds. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** A registry version as the ModelVersion message. */
export function versionMessage({ version, manifest, engine, promoted, aliases }: DescribedVersion): ModelVersionMessage {
  const { metrics, stage, step, totalSteps, complete, degraded, degradedReasons, backend } = manifest;
  return {
    version,
    createTime: toTimestamp(new Date(manifest.created)),
    config: toStruct(manifest.config),
    metrics: {
      finalLosses: metrics.finalLosses,
      selfRegularizationWeight: metrics.lambda,
      trainingStage: trainingStage(stage),
      step,
      totalSteps,
      complete,
      degraded,
      degradedReasons,
      backend,
      wallTime: toDuration(metrics.wallTimeMs),
    },
    imageSize: manifest.config.imageSize,
    attention: manifest.hasAttention,
    engine,
    complete,
    promoted,
    aliases,
    labelSet: manifest.labelConsistency && {
      classNames: manifest.labelConsistency.kind === 'class' ? manifest.labelConsistency.classNames : [],
      dimensions: manifest.labelConsistency.kind === 'vector' ? manifest.labelConsistency.dimensions : 0,
      sha256: manifest.labelConsistency.sha256,
    },
  };
}

async function modelInfo(registry: ModelRegistry, name: string): Promise<ModelInfoMessage> {
  return { name, versions: (await registry.describe(name)).map(versionMessage) };
}

/** The page token after `name`: opaque to callers (base64url of the last name listed). */
function pageToken(name: string): string {
  return Buffer.from(name, 'utf8').toString('base64url');
}

function afterToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (token !== pageToken(name)) throw new InvalidRequestError('page_token is not a token this server issued; pass next_page_token as it came.', undefined, { field: 'page_token' });
  return name;
}

/** `ListModels`: models in the registry's name order (natural: `m2` before `m10`) with all their versions, `page_size` at a time. */
export function listModelsHandler(kit: CallKit, registry: ModelRegistry): ReturnType<typeof unaryHandler<ListModelsRequest, ListModelsResponse>> {
  return unaryHandler<ListModelsRequest, ListModelsResponse>(kit, 'ListModels', async ({ pageSize, pageToken: token }) => {
    if (pageSize > MAX_PAGE_SIZE) {
      throw new InvalidRequestError(`page_size ${pageSize} is over the limit of ${MAX_PAGE_SIZE}.`, undefined, { field: 'page_size' });
    }
    const size = pageSize || DEFAULT_PAGE_SIZE;
    const names = await registry.names();
    const after = token === '' ? undefined : afterToken(token);
    const start = after === undefined ? 0 : names.findIndex((name) => compareVersions(name, after) > 0);
    const page = start < 0 ? [] : names.slice(start, start + size);
    const more = start >= 0 && start + size < names.length;
    return {
      models: await Promise.all(page.map((name) => modelInfo(registry, name))),
      nextPageToken: more ? pageToken(page.at(-1)!) : '',
    };
  });
}

/** `GetModel`: `name` gives every version, `name@version` / `name@latest` that one version. */
export function getModelHandler(kit: CallKit, registry: ModelRegistry): ReturnType<typeof unaryHandler<GetModelRequest, GetModelResponse>> {
  return unaryHandler<GetModelRequest, GetModelResponse>(kit, 'GetModel', async ({ model }) => {
    const { name } = parseModelRef(model);
    if (!model.includes('@')) {
      const info = await modelInfo(registry, name);
      if (info.versions?.length === 0) throw new ModelNotFoundError(model, `Model "${name}" is not in the registry.`);
      return { model: info };
    }
    const resolved = await registry.resolve(model);
    const info = await modelInfo(registry, name);
    return { model: { name, versions: info.versions?.filter((v) => v.version === resolved.version) } };
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
