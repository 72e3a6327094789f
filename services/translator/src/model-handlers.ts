import { toDuration, toStruct, toTimestamp } from '@sim2real/contracts';
import { unaryHandler } from './calls.js';
import type { CallKit } from './calls.js';
import { InvalidRequestError, ModelNotFoundError } from './errors.js';
import { trainingStage } from './jobs.js';
import type { GetModelRequest, GetModelResponse, ListModelsRequest, ListModelsResponse, ModelInfoMessage, ModelVersionMessage } from './proto.js';
import type { DescribedVersion, ModelRegistry } from './registry.js';
import { compareVersions, parseModelRef } from './registry.js';

/** Models per ListModels page when the request names no page size, and the most one page holds. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** A registry version as the ModelVersion message. */
export function versionMessage({ version, manifest }: DescribedVersion): ModelVersionMessage {
  const { metrics, stage, step, totalSteps, complete, degraded, degradedReasons, backend } = manifest;
  return {
    version,
    createTime: toTimestamp(new Date(manifest.created)),
    config: toStruct(manifest.config as unknown as Record<string, unknown>),
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
