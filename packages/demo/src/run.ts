import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTranslatorClient, type TranslatorClient } from '@sim2real/client';
import { formatDuration } from '@sim2real/progress';
import { StatusBoard } from './board.js';
import { ChildProcesses, type Child } from './children.js';
import type { DemoConfig } from './config.js';
import { eventWaiter, parseChildEvent, type ChildEvent } from './child-events.js';
import { cachedGenerator, faceSets, type FaceSetSpec, generatorConfig, generatorName, renderFaceSet, trainGenerator } from './generator.js';
import { demoNats, type DemoNats } from './nats.js';
import { RegressorStatus } from './regressor-status.js';
import { openRunStreams, type RunStreams } from './run-streams.js';
import { writeSampleStrip } from './samples.js';
import { makeDemoSecrets, type DemoSecrets } from './secrets.js';
import { Supervision } from './supervision.js';

/** The stages, in the order they are shown. */
export const STAGES = ['nats', 'translator', 'faces', 'generator', 'adapter', 'publish', 'regress-adapted', 'regress-sim', 'samples'] as const;
type StageName = (typeof STAGES)[number];

/** What a run measured and where it put things. */
export interface DemoResult {
  readonly runDir: string;
  readonly dataset: string;
  readonly model: string;
  readonly generatorCached: boolean;
  readonly natsUrl: string;
  readonly localNats: boolean;
  readonly testFaces: number;
  readonly adaptedMse: number;
  readonly simMse: number;
  readonly samples: string;
  readonly results: string;
  readonly logs: string;
  /** Every process the run started, by stage (all stopped when `runDemo` returns). */
  readonly pids: Record<string, number>;
  readonly wallTimeS: number;
  readonly stageSeconds: Record<string, number>;
}

export interface DemoIo {
  readonly stderr: NodeJS.WritableStream;
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  /** The `sim2real` executable the children run. */
  readonly sim2realBin: string;
}


/**
 * Runs the pipeline once: NATS, translator, faces, generator, adapter, two regressors, publisher, samples. Every
 * process it starts is stopped before it returns or throws (pipeline order: producer, consumers, adapter,
 * translator, then NATS).
 */
export async function runDemo(config: DemoConfig, io: DemoIo): Promise<DemoResult> {
  const startedAt = performance.now();
  const runId = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const runDir = path.join(config.dataDir, 'runs', runId);
  const logs = path.join(runDir, 'logs');
  await mkdir(logs, { recursive: true });
  const registry = path.join(config.dataDir, 'registry');
  const dataset = `demo-${runId.toLowerCase()}`;
  const board = new StatusBoard(STAGES, { stream: io.stderr, interactive: io.interactive });
  const children = new ChildProcesses(logs, io.env, io.sim2realBin);
  /** Flags for every tfjs-using child. */
  const backendArgs = config.backend === undefined ? [] : ['--backend', config.backend];
  const supervision = new Supervision(io.signal);
  const pids: Record<string, number> = {};
  const started: Partial<Record<StageName, Child>> = {};
  let nats: DemoNats | undefined;
  let client: TranslatorClient | undefined;
  let streams: RunStreams | undefined;
  let secrets: DemoSecrets | undefined;

  /** Starts a child; its output lines go to its log, the events the demo follows to `onEvent`. */
  const spawn = (stage: StageName, args: string[], onEvent: (event: ChildEvent) => void, mayFinish = false): Child => {
    const onLine = (line: string): void => {
      try {
        const event = parseChildEvent(line);
        if (event !== undefined) onEvent(event);
      } catch (error) {
        supervision.fail(new Error(`${stage} reported a malformed event: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      }
    };
    const child = children.spawn(stage, args, { onLine });
    pids[stage] = child.pid;
    started[stage] = child;
    supervision.watch(child, { mayFinish });
    board.set(stage, `starting (pid ${child.pid})`, 'running');
    return child;
  };

  try {
    // NATS
    board.set('nats', config.natsUrl ? `trying ${config.natsUrl}` : 'starting a local nats-server', 'running');
    nats = await supervision.race(demoNats(config.natsUrl, io.env));
    const natsUrl = nats.url;
    const runStreams = (streams = await supervision.race(openRunStreams(natsUrl, dataset)));
    if (nats.local?.pid !== undefined) {
      pids.nats = nats.local.pid;
      children.adopted.add(nats.local.pid);
    }
    board.set(
      'nats',
      nats.local ? `local nats-server ${nats.local.version} at ${natsUrl} (pid ${nats.local.pid}, JetStream in ${nats.local.dir})${nats.note ? `; ${nats.note}` : ''}` : `using ${natsUrl}`,
      'done',
    );

    // Translator (starts while the faces render). Its training thread keeps the demo's priority: training is the
    // foreground work here, not a background job competing with serving.
    const listening = eventWaiter((event) => (event.event === 'serving' ? event : undefined));
    // Remote training reads only under the demo's data folder (where the face sets render). TLS and tokens are on,
    // as in a deployment, with a throwaway CA and tokens made for this run.
    const tls = (secrets = await supervision.race(makeDemoSecrets()));
    spawn(
      'translator',
      [
        'serve', '--host', '127.0.0.1', '--port', '0', '--registry', registry, '--training-root', config.dataDir, '--grace-ms', '5000', '--training-nice', '0',
        '--tls-cert', tls.serverCertFile, '--tls-key', tls.serverKeyFile, '--auth-tokens', tls.tokensFile,
        ...(config.vggDir ? ['--vgg', config.vggDir] : []), ...backendArgs,
      ],
      listening.onEvent,
    );
    const translatorReady = listening.found.then(({ port, backend }) => {
      board.set('translator', `serving 127.0.0.1:${port} with TLS and tokens (backend ${backend}, registry ${registry})`, 'done');
      return `127.0.0.1:${port}`;
    });

    // Faces: the generator's training sets only when no trained generator is cached.
    const sets = faceSets(config);
    const modelName = generatorName(config);
    let model = await cachedGenerator(registry, modelName);
    const generatorCached = model !== undefined;
    const toRender: [string, FaceSetSpec][] = generatorCached ? [['test', sets.test]] : [['sim', sets.sim], ['real', sets.real], ['test', sets.test]];
    const counts: Record<string, string> = Object.fromEntries(toRender.map(([key, set]) => [key, `0/${set.count}`]));
    const showFaces = (state?: 'done'): void => board.set('faces', Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(' · '), state ?? 'running');
    showFaces();
    const dirs: Record<string, string> = {};
    for (const [key, set] of toRender) {
      const rendered = await supervision.race(
        renderFaceSet(config, set, (done) => {
          counts[key] = `${done}/${set.count}`;
          showFaces();
        }, io.signal),
      );
      counts[key] = rendered.cached ? `${set.count} cached` : `${set.count}`;
      dirs[key] = rendered.dir;
    }
    showFaces('done');
    const testDir = dirs.test!;

    const translatorAddress = await supervision.race(translatorReady);
    // The certificate names localhost too: checking that name spares Node's warning about an IP as TLS server name.
    client = createTranslatorClient(translatorAddress, { tls: { ca: tls.ca, serverName: 'localhost' }, token: tls.demoToken });

    // Generator
    if (model === undefined) {
      board.set('generator', `training ${modelName} on the translator`, 'running');
      const t0 = performance.now();
      model = await supervision.race(
        trainGenerator(
          client,
          { name: modelName, sourceDir: dirs.sim!, targetDir: dirs.real!, config: generatorConfig(config) },
          (p) => {
            const rate = p.step > 0 ? p.step / ((performance.now() - t0) / 1000) : 0;
            const eta = rate > 0 ? ` ETA ${formatDuration((p.totalSteps - p.step) / rate)}` : '';
            board.set('generator', `step ${p.step}/${p.totalSteps || config.generatorSteps} ${p.stage}${eta}${p.message ? ` · ${p.message}` : ''}`);
          },
          io.signal,
        ),
      );
      board.set('generator', `trained ${model} (cached for the next run)`, 'done');
    } else {
      board.set('generator', `cached ${model}`, 'skipped');
    }

    // Consumers first, then the producer.
    const totalBatches = Math.ceil(config.faces / config.batch);
    const adapterStarted = eventWaiter((event) => (event.event === 'adapter.started' ? true : undefined));
    spawn(
      'adapter',
      ['adapt', '--translator', translatorAddress, '--translator-ca', tls.caFile, '--token-file', tls.adapterTokenFile, '--route', `${dataset}=${model}`, '--nats', natsUrl],
      adapterStarted.onEvent,
    );

    const regressors = (['adapted', 'sim'] as const).map((source) => {
      const stage = `regress-${source}` as const;
      const ready = eventWaiter((event) => (event.event === 'regressor.started' ? true : undefined));
      const status = new RegressorStatus(totalBatches);
      const child = spawn(
        stage,
        [
          'regress', '--dataset', dataset, '--source', source === 'sim' ? 'synthetic' : 'adapted', '--test', testDir,
          '--max-batches', String(totalBatches), '--steps-per-batch', String(config.stepsPerBatch), '--size', String(config.size),
          '--outputs', String(config.evalCoefficients), '--eval-every', String(Math.max(1, Math.ceil((totalBatches * config.stepsPerBatch) / 4))),
          '--nats', natsUrl, ...backendArgs,
        ],
        (event) => {
          ready.onEvent(event);
          const text = status.onEvent(event);
          if (text !== undefined) board.set(stage, text);
        },
        true,
      );
      return { stage, child, ready: ready.found, status };
    });
    await supervision.race(Promise.all([adapterStarted.found, ...regressors.map((r) => r.ready)]));
    board.set('adapter', `routing ${dataset} → ${model}`);

    let published: Extract<ChildEvent, { event: 'published' }> | undefined;
    const publisher = spawn(
      'publish',
      ['publish', 'faces', '--count', String(config.faces), '--dataset', dataset, '--batch', String(config.batch), '--size', String(config.size), '--seed', String(sets.publishSeed), '--nats', natsUrl],
      (event) => {
        if (event.event === 'progress') board.set('publish', `faces ${event.done}/${config.faces} · ${event.rate.toFixed(1)} img/s`);
        else if (event.event === 'published') published = event;
      },
      true,
    );

    // The adapter's progress is read from JetStream: adapted and dead-lettered batches of this run's dataset.
    const showAdapter = async (final: boolean): Promise<void> => {
      const { adapted, dead } = await runStreams.counts();
      if (board.state('adapter') !== 'running') return;
      board.set('adapter', `batches adapted ${adapted}/${totalBatches}${dead > 0 ? ` · dead-lettered ${dead}` : ''} (${model})`, final || adapted + dead >= totalBatches ? 'done' : undefined);
    };
    const poll = setInterval(() => void showAdapter(false), 1000);
    try {
      await supervision.race(publisher.exited);
      board.set('publish', `${published?.samples ?? config.faces} faces in ${published?.batches ?? totalBatches} batches`, 'done');
      await supervision.race(
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

    board.set('samples', 'translating 6 faces with attention', 'running');
    const samples = await supervision.race(
      writeSampleStrip(client, { model, seed: sets.publishSeed, size: config.size, photosDir: config.photosDir, file: path.join(runDir, 'samples.png'), signal: io.signal }),
    );
    board.set('samples', samples, 'done');

    const [adaptedMse, simMse] = regressors.map((r) => r.status.mse);
    if (adaptedMse === undefined || simMse === undefined) throw new Error(`A regressor reported no test MSE; see the logs in ${logs}.`);
    const stageSeconds = Object.fromEntries(STAGES.map((s) => [s, board.seconds(s) ?? 0]));
    const result: DemoResult = {
      runDir,
      dataset,
      model,
      generatorCached,
      natsUrl,
      localNats: nats.local !== undefined,
      testFaces: sets.test.count,
      adaptedMse,
      simMse,
      samples,
      results: path.join(runDir, 'results.json'),
      logs,
      pids,
      wallTimeS: Math.round((performance.now() - startedAt) / 100) / 10,
      stageSeconds,
    };
    await writeFile(result.results, `${JSON.stringify({ ...result, config, published: published?.record }, null, 2)}\n`);
    return result;
  } finally {
    supervision.stopping();
    board.close();
    client?.close();
    // Pipeline order: the producer, the consumers, the adapter, the translator, then NATS.
    const stopStarted = performance.now();
    for (const group of [['publish'], ['regress-adapted', 'regress-sim'], ['adapter'], ['translator']] as const) {
      const running = group.flatMap((stage) => started[stage] ?? []);
      await Promise.all(running.map((child) => child.stop(child.name === 'translator' ? 15_000 : 30_000)));
    }
    if (nats?.local) await nats.local.close();
    else await streams?.forget().catch((error: unknown) => io.stderr.write(`could not delete this run's consumers and batches from NATS: ${String(error)}\n`));
    await streams?.close();
    await secrets?.remove();
    // Everything stopped: drop the exit hook (on a throw above it stays and SIGKILLs what is left at exit).
    children.dispose();
    const list = Object.entries(pids).map(([stage, pid]) => `${stage} ${pid}`).join(', ');
    if (list) io.stderr.write(`stopped in ${((performance.now() - stopStarted) / 1000).toFixed(1)} s: ${list}\n`);
  }
}
