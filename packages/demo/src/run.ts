import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DemoConfig } from './config.js';
import { cachedGenerator, faceSets, generatorName, type FaceSetSpec } from './generator.js';
import { DemoRun, STAGES, type DemoIo } from './run-context.js';
import { writeSampleStrip } from './samples.js';
import { publishAndConsume, renderFaces, startConsumers, startNats, startTranslator, trainOnTranslator, translatorClient } from './stages.js';

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

/**
 * Runs the pipeline once: NATS, translator, faces, generator, adapter, two regressors, publisher, samples. Every
 * process it starts is stopped before it returns or throws (pipeline order: producer, consumers, adapter,
 * translator, then NATS).
 */
export async function runDemo(config: DemoConfig, io: DemoIo): Promise<DemoResult> {
  const run = await DemoRun.open(config, io);
  const { board } = run;
  try {
    const nats = await startNats(run);
    // The translator starts while the faces render.
    const translator = await startTranslator(run);
    // The generator's training sets render only when no trained generator is cached.
    const sets = faceSets(config);
    const cached = await cachedGenerator(run.registry, generatorName(config));
    const toRender: [string, FaceSetSpec][] = cached ? [['test', sets.test]] : [['sim', sets.sim], ['real', sets.real], ['test', sets.test]];
    const dirs = await renderFaces(run, toRender);
    const translatorAddress = await run.race(translator.address);
    const client = translatorClient(run, translatorAddress, translator.secrets);
    if (cached) board.set('generator', `cached ${cached}`, 'skipped');
    const model = cached ?? (await trainOnTranslator(run, client, { sim: dirs.sim!, real: dirs.real! }));

    // Consumers first, then the producer.
    const regressors = await startConsumers(run, { natsUrl: nats.url, translatorAddress, tls: translator.secrets, model, testDir: dirs.test! });
    const published = await publishAndConsume(run, nats.url, nats.streams, model, regressors);

    board.set('samples', 'translating 6 faces with attention', 'running');
    const samples = await run.race(
      writeSampleStrip(client, { model, seed: sets.publishSeed, size: config.size, photosDir: config.photosDir, file: path.join(run.runDir, 'samples.png'), signal: io.signal }),
    );
    board.set('samples', samples, 'done');

    const [adaptedMse, simMse] = regressors.map((r) => r.status.mse);
    if (adaptedMse === undefined || simMse === undefined) throw new Error(`A regressor reported no test MSE; see the logs in ${run.logs}.`);
    const result: DemoResult = {
      runDir: run.runDir,
      dataset: run.dataset,
      model,
      generatorCached: cached !== undefined,
      natsUrl: nats.url,
      localNats: run.resources.nats?.local !== undefined,
      testFaces: sets.test.count,
      adaptedMse,
      simMse,
      samples,
      results: path.join(run.runDir, 'results.json'),
      logs: run.logs,
      pids: run.pids,
      wallTimeS: Math.round((performance.now() - run.startedAt) / 100) / 10,
      stageSeconds: Object.fromEntries(STAGES.map((s) => [s, board.seconds(s) ?? 0])),
    };
    await writeFile(result.results, `${JSON.stringify({ ...result, config, published: published?.record }, null, 2)}\n`);
    return result;
  } finally {
    await run.stop();
  }
}
