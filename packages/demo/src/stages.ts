import { createTranslatorClient, type TranslatorClient } from '@sim2real/client';
import { formatDuration } from '@sim2real/progress';
import { eventWaiter, type ChildEvent } from './child-events.js';
import type { Child } from './children.js';
import { faceSets, generatorConfig, generatorName, renderFaceSet, trainGenerator, type FaceSetSpec } from './generator.js';
import { demoNats } from './nats.js';
import { RegressorStatus } from './regressor-status.js';
import type { DemoRun } from './run-context.js';
import { openRunStreams, type RunStreams } from './run-streams.js';
import { makeDemoSecrets, type DemoSecrets } from './secrets.js';

/** NATS: the given server when it answers, else a local one; and this run's view of its streams. */
export async function startNats(run: DemoRun): Promise<{ url: string; streams: RunStreams }> {
  const { board, config, resources } = run;
  board.set('nats', config.natsUrl ? `trying ${config.natsUrl}` : 'starting a local nats-server', 'running');
  const nats = (resources.nats = await run.race(demoNats(config.natsUrl, run.io.env)));
  const streams = (resources.streams = await run.race(openRunStreams(nats.url, run.dataset)));
  if (nats.local?.pid !== undefined) run.adopt('nats', nats.local.pid);
  board.set(
    'nats',
    nats.local ? `local nats-server ${nats.local.version} at ${nats.url} (pid ${nats.local.pid}, JetStream in ${nats.local.dir})${nats.note ? `; ${nats.note}` : ''}` : `using ${nats.url}`,
    'done',
  );
  return { url: nats.url, streams };
}

/**
 * The translator, with TLS and tokens on as in a deployment (a throwaway CA and tokens made for this run); resolves
 * to the secrets at once and to its address once it serves. Remote training reads only under the demo's data
 * folder (where the face sets render); the training thread keeps the demo's priority, as the foreground work here.
 */
export async function startTranslator(run: DemoRun): Promise<{ secrets: DemoSecrets; address: Promise<string> }> {
  const { config, registry } = run;
  const serving = eventWaiter((event) => (event.event === 'serving' ? event : undefined));
  const tls = (run.resources.secrets = await run.race(makeDemoSecrets()));
  run.spawn(
    'translator',
    [
      'serve', '--host', '127.0.0.1', '--port', '0', '--registry', registry, '--training-root', config.dataDir, '--grace-ms', '5000', '--training-nice', '0',
      '--tls-cert', tls.serverCertFile, '--tls-key', tls.serverKeyFile, '--auth-tokens', tls.tokensFile,
      ...(config.vggDir ? ['--vgg', config.vggDir] : []), ...run.backendArgs,
    ],
    serving.onEvent,
  );
  const address = serving.found.then(({ port, backend }) => {
    run.board.set('translator', `serving 127.0.0.1:${port} with TLS and tokens (backend ${backend}, registry ${registry})`, 'done');
    return `127.0.0.1:${port}`;
  });
  return { secrets: tls, address };
}

/** A client of the served translator with the demo's token (role train). */
export function translatorClient(run: DemoRun, address: string, tls: DemoSecrets): TranslatorClient {
  // The certificate names localhost too: checking that name spares Node's warning about an IP as TLS server name.
  return (run.resources.client = createTranslatorClient(address, { tls: { ca: tls.ca, serverName: 'localhost' }, token: tls.demoToken }));
}

/** Renders (or finds cached) the face sets named in `toRender`; resolves to their folders by name. */
export async function renderFaces(run: DemoRun, toRender: readonly [string, FaceSetSpec][]): Promise<Record<string, string>> {
  const counts: Record<string, string> = Object.fromEntries(toRender.map(([key, set]) => [key, `0/${set.count}`]));
  const showFaces = (state?: 'done'): void => run.board.set('faces', Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(' · '), state ?? 'running');
  showFaces();
  const dirs: Record<string, string> = {};
  for (const [key, set] of toRender) {
    const rendered = await run.race(
      renderFaceSet(run.config, set, (done) => {
        counts[key] = `${done}/${set.count}`;
        showFaces();
      }, run.io.signal),
    );
    counts[key] = rendered.cached ? `${set.count} cached` : `${set.count}`;
    dirs[key] = rendered.dir;
  }
  showFaces('done');
  return dirs;
}

/** Trains the generator on the translator from the sim and real face folders; resolves to `name@version`. */
export async function trainOnTranslator(run: DemoRun, client: TranslatorClient, dirs: { sim: string; real: string }): Promise<string> {
  const { board, config } = run;
  const name = generatorName(config);
  board.set('generator', `training ${name} on the translator`, 'running');
  const t0 = performance.now();
  const model = await run.race(
    trainGenerator(
      client,
      { name, sourceDir: dirs.sim, targetDir: dirs.real, config: generatorConfig(config) },
      (p) => {
        const rate = p.step > 0 ? p.step / ((performance.now() - t0) / 1000) : 0;
        const eta = rate > 0 ? ` ETA ${formatDuration((p.totalSteps - p.step) / rate)}` : '';
        board.set('generator', `step ${p.step}/${p.totalSteps || config.generatorSteps} ${p.stage}${eta}${p.message ? ` · ${p.message}` : ''}`);
      },
      run.io.signal,
    ),
  );
  board.set('generator', `trained ${model} (cached for the next run)`, 'done');
  return model;
}

/** A regressor child and what it reported. */
export interface Regressor {
  readonly stage: 'regress-adapted' | 'regress-sim';
  readonly child: Child;
  readonly status: RegressorStatus;
}

/** Where the consumers read and send from. */
export interface ConsumerRoutes {
  readonly natsUrl: string;
  readonly translatorAddress: string;
  readonly tls: DemoSecrets;
  /** The generator the adapter routes this run's dataset to. */
  readonly model: string;
  /** The real-style test faces the regressors are scored on. */
  readonly testDir: string;
}

/** The adapter and the two regressors (on adapted and on untranslated batches); resolves once all three consume. */
export async function startConsumers(run: DemoRun, routes: ConsumerRoutes): Promise<Regressor[]> {
  const { config, dataset } = run;
  const totalBatches = totalBatchesOf(run);
  const adapterStarted = eventWaiter((event) => (event.event === 'adapter.started' ? true : undefined));
  run.spawn(
    'adapter',
    ['adapt', '--translator', routes.translatorAddress, '--translator-ca', routes.tls.caFile, '--token-file', routes.tls.adapterTokenFile, '--route', `${dataset}=${routes.model}`, '--nats', routes.natsUrl],
    adapterStarted.onEvent,
  );
  const regressors = (['adapted', 'sim'] as const).map((source) => {
    const stage = `regress-${source}` as const;
    const ready = eventWaiter((event) => (event.event === 'regressor.started' ? true : undefined));
    const status = new RegressorStatus(totalBatches);
    const child = run.spawn(
      stage,
      [
        'regress', '--dataset', dataset, '--source', source === 'sim' ? 'synthetic' : 'adapted', '--test', routes.testDir,
        '--max-batches', String(totalBatches), '--steps-per-batch', String(config.stepsPerBatch), '--size', String(config.size),
        '--outputs', String(config.evalCoefficients), '--eval-every', String(Math.max(1, Math.ceil((totalBatches * config.stepsPerBatch) / 4))),
        '--nats', routes.natsUrl, ...run.backendArgs,
      ],
      (event) => {
        ready.onEvent(event);
        const text = status.onEvent(event);
        if (text !== undefined) run.board.set(stage, text);
      },
      true,
    );
    return { stage, child, ready: ready.found, status };
  });
  await run.race(Promise.all([adapterStarted.found, ...regressors.map((r) => r.ready)]));
  run.board.set('adapter', `routing ${dataset} → ${routes.model}`);
  return regressors;
}

/** The publisher's summary event. */
export type PublishedEvent = Extract<ChildEvent, { event: 'published' }>;

/**
 * Publishes the sim faces and waits for both regressors to finish; the adapter's progress is read from JetStream
 * meanwhile (adapted and dead-lettered batches of this run's dataset). Resolves to the publisher's summary.
 */
export async function publishAndConsume(run: DemoRun, natsUrl: string, streams: RunStreams, model: string, regressors: readonly Regressor[]): Promise<PublishedEvent | undefined> {
  const { board, config, dataset } = run;
  const totalBatches = totalBatchesOf(run);
  let published: PublishedEvent | undefined;
  const publisher = run.spawn(
    'publish',
    ['publish', 'faces', '--count', String(config.faces), '--dataset', dataset, '--batch', String(config.batch), '--size', String(config.size), '--seed', String(faceSets(config).publishSeed), '--nats', natsUrl],
    (event) => {
      if (event.event === 'progress') board.set('publish', `faces ${event.done}/${config.faces} · ${event.rate.toFixed(1)} img/s`);
      else if (event.event === 'published') published = event;
    },
    true,
  );
  const showAdapter = async (final: boolean): Promise<void> => {
    const { adapted, dead } = await streams.counts();
    if (board.state('adapter') !== 'running') return;
    board.set('adapter', `batches adapted ${adapted}/${totalBatches}${dead > 0 ? ` · dead-lettered ${dead}` : ''} (${model})`, final || adapted + dead >= totalBatches ? 'done' : undefined);
  };
  const poll = setInterval(() => void showAdapter(false), 1000);
  try {
    await run.race(publisher.exited);
    board.set('publish', `${published?.samples ?? config.faces} faces in ${published?.batches ?? totalBatches} batches`, 'done');
    await run.race(
      Promise.all(
        regressors.map(async (r) => {
          await r.child.exited;
          board.set(r.stage, `test MSE ${r.status.mse?.toFixed(4) ?? '-'}`, 'done');
        }),
      ),
    );
  } finally {
    clearInterval(poll);
  }
  await showAdapter(true);
  return published;
}

/** Batches the publisher sends. */
const totalBatchesOf = (run: DemoRun): number => Math.ceil(run.config.faces / run.config.batch);
