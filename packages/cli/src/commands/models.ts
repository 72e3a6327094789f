import { createTranslatorClient } from '@sim2real/client';
import type { TranslatorClient } from '@sim2real/client';
import { fromTimestamp } from '@sim2real/contracts';
import { ModelRegistry, parseModelRef, versionMessage } from '@sim2real/translator';
import type { ModelInfoOut } from '@sim2real/translator';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { UsageError } from '../errors.js';
import { TRANSLATOR_ACCESS_FLAGS, translatorAccess } from '../translator-access.js';

/** The flags of `sim2real models`, the same for every action. */
const MODELS_FLAGS = defineFlags({
  registry: { kind: 'string', value: 'DIR', help: 'the registry folder (<DIR>/<name>/<version>/)' },
  server: { kind: 'string', value: 'HOST:PORT', help: 'a translator instead of a folder' },
  ...TRANSLATOR_ACCESS_FLAGS,
  remove: { kind: 'boolean', help: 'alias: remove ALIAS instead of setting it' },
  json: { kind: 'boolean', help: 'print the models as JSON' },
});

export const modelsCommand: CommandSpec = defineCommand({
  name: 'models',
  synopsis: `list [NAME]             (--registry DIR | --server HOST:PORT) [options]
       sim2real models promote NAME@VERSION
       sim2real models alias NAME ALIAS VERSION | sim2real models alias NAME ALIAS --remove
       sim2real models delete NAME@VERSION`,
  description: `Manages a model registry, either a folder directly (--registry) or through a running translator
(--server, which needs the admin role for promote, alias and delete). "NAME" and "NAME@latest"
serve the newest complete version; a partial one (a cancelled or stopped training job) serves
only as NAME@VERSION until it is promoted. An alias (NAME@ALIAS, e.g. faces@prod) names one
version; a version an alias names cannot be deleted.`,
  flags: MODELS_FLAGS,
  epilogue: `Examples:
  sim2real models list --registry models/
  sim2real models alias faces prod 20261207T101500Z --server translator:50051 \\
    --translator-ca ca.pem --token-file admin.token`,
  run: runModels,
});

/** The operations, the same against a folder and a server. */
interface Registry {
  list(name: string | undefined): Promise<ModelInfoOut[]>;
  promote(model: string): Promise<void>;
  alias(name: string, alias: string, version: string): Promise<void>;
  delete(model: string): Promise<void>;
  close(): Promise<void>;
}

function folderRegistry(root: string): Registry {
  const registry = new ModelRegistry({ root, defaultModel: undefined, rescanMs: 0, maxLoaded: 1 });
  const info = async (name: string): Promise<ModelInfoOut> => ({ name, versions: (await registry.describe(name)).map(versionMessage) as ModelInfoOut['versions'] });
  return {
    list: async (name) => Promise.all((name === undefined ? await registry.names() : [name]).map(info)),
    promote: (model) => registry.promote(model),
    alias: (name, alias, version) => registry.alias(name, alias, version),
    delete: (model) => registry.delete(model),
    close: () => registry.close(),
  };
}

function serverRegistry(client: TranslatorClient): Registry {
  const timeoutMs = 30_000;
  return {
    list: async (name) => {
      if (name !== undefined) return [await client.getModel(name, { timeoutMs })];
      const models: ModelInfoOut[] = [];
      for await (const model of client.allModels({ timeoutMs })) models.push(model);
      return models;
    },
    promote: async (model) => void (await client.promoteModel(model, { timeoutMs })),
    alias: async (name, alias, version) => void (await client.aliasModel(name, alias, version, { timeoutMs })),
    delete: async (model) => void (await client.deleteModel(model, { timeoutMs })),
    close: () => Promise.resolve(client.close()),
  };
}

function describeVersion(name: string, v: ModelInfoOut['versions'][number]): string {
  const state = v.complete ? 'complete' : v.promoted ? 'partial, promoted' : 'partial';
  const aliases = v.aliases.length > 0 ? `  aliases: ${v.aliases.join(', ')}` : '';
  const labels = v.labelSet && `, label-consistent on ${v.labelSet.classNames.length > 0 ? `${v.labelSet.classNames.length} classes` : `${v.labelSet.dimensions}-value label vectors`}`;
  return `${name}@${v.version}  ${state}  ${v.imageSize} px${v.attention ? '' : ', no attention'}${labels ?? ''}  created ${fromTimestamp(v.createTime)?.toISOString() ?? 'unknown'}${aliases}`;
}

/** A gRPC status error as one sentence (the server's details already are one). */
function callError(error: unknown): Error {
  const { details, code } = error as { details?: string; code?: number };
  return details !== undefined && code !== undefined ? new Error(details) : (error as Error);
}

async function runModels(flags: FlagValues<typeof MODELS_FLAGS>, positionals: string[], ctx: CommandContext): Promise<number> {
  const name = modelsCommand.name;
  const [action, ...args] = positionals;
  const { registry: folder, server } = flags;
  if ((folder === undefined) === (server === undefined)) throw new UsageError('give either --registry DIR or --server HOST:PORT.', name);
  const arity: Record<string, number> = { list: -1, promote: 1, alias: flags.remove ? 2 : 3, delete: 1 };
  const wanted = action === undefined ? undefined : arity[action];
  if (wanted === undefined) throw new UsageError('name an action: list, promote, alias or delete.', name);
  if (wanted >= 0 ? args.length !== wanted : args.length > 1) throw new UsageError(`"${action}" takes ${wanted >= 0 ? wanted : 'at most 1'} argument(s), got ${args.length}.`, name);
  try {
    for (const arg of args) parseModelRef(arg.includes('@') ? arg : `x@${arg}`);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), name);
  }
  const registry = folder !== undefined ? folderRegistry(folder) : serverRegistry(createTranslatorClient(server!, await translatorAccess(flags, ctx.env, name)));
  try {
    const [first = '', second = '', third = ''] = args;
    if (action === 'promote') await registry.promote(first);
    else if (action === 'alias') await registry.alias(first, second, third);
    else if (action === 'delete') await registry.delete(first);
    const listed = action === 'list' ? await registry.list(first || undefined) : await registry.list(first.split('@')[0]);
    if (flags.json) ctx.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
    else {
      for (const model of listed) {
        if (model.versions.length === 0) ctx.stdout.write(`${model.name}: no versions\n`);
        for (const version of model.versions) ctx.stdout.write(`${describeVersion(model.name, version)}\n`);
      }
    }
    return 0;
  } catch (error) {
    throw callError(error);
  } finally {
    await registry.close();
  }
}
