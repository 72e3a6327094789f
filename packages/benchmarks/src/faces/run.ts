import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SourceLabels } from '@sim2real/datasets';
import { fitRegressor, resolveRegressorConfig, SampleStore, type Evaluation, type LabelledImage } from '@sim2real/face-regressor';
import { faceStrip, iterateFaces, writeFaceDataset, type FaceSample, type FaceStyle } from '@sim2real/face-synth';
import { encodePng, imageSetFromImages, type GreyImage, type RgbImage } from '@sim2real/imaging';
import { initBackend } from '@sim2real/tensor';
import { loadTranslator, readModelManifest, resolveTranslationConfig, translateList, type TrainResult, type TranslationConfig } from '@sim2real/translation';
import type { BenchIo } from '../io.js';
import { cpuSeconds, formatTable, PhaseTimer } from '../report.js';
import { stderrReporter, type Reporter } from '../reporter.js';
import { trainTranslator } from '../translator.js';
import { facesConfig, type FacesFlags } from './config.js';

async function renderSet(
  label: string,
  options: { count: number; style: FaceStyle; size: number; seed: number; photosDir: string },
  reporter: Reporter,
  signal: AbortSignal,
): Promise<FaceSample[]> {
  const progress = reporter.progress(label, options.count, 'img');
  const faces: FaceSample[] = [];
  for await (const face of iterateFaces({ ...options, signal })) {
    faces.push(face);
    progress.update(faces.length);
  }
  progress.finish();
  return faces;
}

const labelled = (faces: readonly FaceSample[], images?: readonly RgbImage[]): LabelledImage[] =>
  faces.map((face, i) => ({ id: face.id, image: images?.[i] ?? face.image, label: face.params.coefficients }));

interface Row {
  name: 'baseline' | 'adapted' | 'label_consistent' | 'oracle';
  trainedOn: string;
  evaluation: Evaluation;
  wallTimeMs: number;
}

/**
 * The faces benchmark (the paper's Table 4, offline): a regressor trained on sim renders, on translated renders
 * and on real-style faces, scored on real-style test faces; OUT/results.json, OUT/strip.png and the table on stdout.
 */
export async function runFacesBenchmark(flags: FacesFlags, io: BenchIo): Promise<void> {
  const outDir = path.resolve(flags.out);
  const config = await facesConfig(flags);
  const reporter = stderrReporter(io);
  const { signal } = io;
  const backend = await initBackend({ backend: flags.backend });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const timer = new PhaseTimer();
  await mkdir(outDir, { recursive: true });
  const { size, seed } = config;
  const domain = { size, photosDir: config.photosDir };

  // Three disjoint face sets: sim and real training faces are unpaired (the translation is unsupervised).
  const { sim, real, test } = await timer.time('render_s', async () => ({
    sim: await renderSet('render sim', { ...domain, count: config.trainFaces, style: 'sim', seed: seed * 10 + 1 }, reporter, signal),
    real: await renderSet('render real', { ...domain, count: config.trainFaces, style: 'real', seed: seed * 10 + 2 }, reporter, signal),
    test: await renderSet('render test', { ...domain, count: config.testFaces, style: 'real', seed: seed * 10 + 3 }, reporter, signal),
  }));
  await writeFaceDataset(path.join(outDir, 'test'), test);

  const translatorDir = config.translatorDir ?? path.join(outDir, 'translator');
  let degraded = false;
  const translation = config.translatorDir === undefined
    ? resolveTranslationConfig({ preset: config.preset, imageSize: size, steps: config.translatorSteps, seed: seed + 1, ...config.translatorExtra })
    : (await readModelManifest(config.translatorDir)).config;
  /** Trains a translator from the sim to the real renders into `modelDir`; with `sourceLabels`, label-consistent. */
  const trainSimToReal = async (modelDir: string, translationConfig: TranslationConfig, sourceLabels?: SourceLabels): Promise<TrainResult> =>
    timer.time('translator_train_s', async () =>
      trainTranslator(
        {
          source: await imageSetFromImages(sim.map((f) => f.image), size),
          target: await imageSetFromImages(real.map((f) => f.image), size),
          sourceLabels,
          modelDir,
          config: translationConfig,
          vggDir: config.vggDir,
          signal,
        },
        reporter,
      ),
    );
  /** G(x) and A(x) of every sim render through the model in `modelDir`. */
  const translateSim = async (modelDir: string): Promise<{ output: RgbImage[]; attention: GreyImage[] }> => {
    const translator = await loadTranslator(modelDir);
    const progress = reporter.progress('translate', sim.length, 'img');
    try {
      return await timer.time('translate_s', () => translateList(translator, sim.map((f) => f.image), { signal, onProgress: (done) => progress.update(done) }));
    } finally {
      progress.finish();
      translator.dispose();
    }
  };
  if (config.translatorDir === undefined) degraded = (await trainSimToReal(translatorDir, translation)).degraded;
  const translated = await translateSim(translatorDir);
  const labelConsistentDir = path.join(outDir, 'translator-label-consistent');
  if (config.labelConsistent) {
    // The regression head learns the coefficients the benchmark scores (the first K); the tail barely shows in a render.
    const values = sim.map((face) => Array.from(face.params.coefficients.slice(0, config.evalCoefficients)));
    await trainSimToReal(labelConsistentDir, { ...translation, labelConsistent: true }, { kind: 'vector', values });
  }
  const labelConsistent = config.labelConsistent ? await translateSim(labelConsistentDir) : undefined;

  const regressor = resolveRegressorConfig({ imageSize: size, outputs: config.evalCoefficients, seed });
  const testStore = new SampleStore({ size, outputs: regressor.outputs, capacity: test.length });
  await testStore.add(labelled(test));
  const rows: Row[] = [];
  const sets: [Row['name'], string, LabelledImage[]][] = [
    ['baseline', 'sim renders', labelled(sim)],
    ['adapted', 'translated sim renders (ours)', labelled(sim, translated.output)],
    ...(labelConsistent ? [['label_consistent', 'translated sim renders (ours, label-consistent)', labelled(sim, labelConsistent.output)] as [Row['name'], string, LabelledImage[]]] : []),
    ['oracle', 'real-style faces', labelled(real)],
  ];
  await timer.time('regress_s', async () => {
    for (const [rowName, trainedOn, train] of sets) {
      const progress = reporter.progress(`regress ${rowName}`, config.regressorSteps, 'steps');
      const fit = await fitRegressor({
        config: regressor,
        train,
        test: testStore,
        steps: config.regressorSteps,
        signal,
        onStep: (step, loss) => progress.update(step, { loss }),
      });
      progress.finish({ test_mse: fit.evaluation.mse });
      rows.push({ name: rowName, trainedOn, evaluation: fit.evaluation, wallTimeMs: fit.wallTimeMs });
    }
  });

  const stripFile = path.join(outDir, 'strip.png');
  await writeFile(stripFile, await encodePng(await faceStrip(sim, translated, config)));
  const mse = (rowName: Row['name']): number => rows.find((r) => r.name === rowName)!.evaluation.mse;
  const [baseline, adapted, oracle] = [mse('baseline'), mse('adapted'), mse('oracle')];
  const gapClosed = (rowName: Row['name']): number => (baseline - mse(rowName)) / (baseline - oracle);
  const results = {
    benchmark: 'faces (3DMM regression, the paper Table 4 setting)',
    config: { ...config, regressor, translatorDir, translatorDegraded: degraded, translator: translation },
    seed,
    backend,
    wall_time_s: Math.round((performance.now() - started) / 100) / 10,
    cpu_time_s: cpuSeconds(process.cpuUsage(cpuStarted)),
    phases: timer.seconds,
    phases_cpu_s: timer.cpuSeconds,
    baseline_mse: baseline,
    adapted_mse: adapted,
    oracle_mse: oracle,
    baseline_over_oracle: baseline / oracle,
    gap_closed: gapClosed('adapted'),
    ...(labelConsistent ? { label_consistent_mse: mse('label_consistent'), gap_closed_label_consistent: gapClosed('label_consistent') } : {}),
    goals: {
      baseline_at_least_1_3x_oracle: baseline >= 1.3 * oracle,
      adapted_closes_half_the_gap: baseline - adapted >= 0.5 * (baseline - oracle),
      ...(labelConsistent ? { label_consistent_closes_85_percent_of_the_gap: gapClosed('label_consistent') >= 0.85 } : {}),
    },
    rows: rows.map((r) => ({ name: r.name, trained_on: r.trainedOn, mse: r.evaluation.mse, per_coefficient_mse: Array.from(r.evaluation.perOutput), wall_time_s: Math.round(r.wallTimeMs / 100) / 10 })),
    strip: stripFile,
  };
  await writeFile(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

  io.stdout.write(`\nFaces benchmark: MSE of the first ${config.evalCoefficients} 3DMM coefficients on ${test.length} real-style test faces (${backend.name})\n`);
  io.stdout.write(formatTable(['row', 'trained on', 'MSE'], rows.map((row) => [row.name, row.trainedOn, row.evaluation.mse.toFixed(4)])));
  io.stdout.write(`baseline/oracle = ${results.baseline_over_oracle.toFixed(2)} (goal ≥ 1.30); gap closed by ours = ${(100 * results.gap_closed).toFixed(0)} % (goal ≥ 50 %)\n`);
  if (labelConsistent) io.stdout.write(`gap closed by ours, label-consistent = ${(100 * gapClosed('label_consistent')).toFixed(0)} % (goal ≥ 85 %)\n`);
  io.stdout.write(`wall time ${results.wall_time_s} s, CPU time ${results.cpu_time_s} s\n`);
  io.stdout.write(`results: ${path.join(outDir, 'results.json')}\nstrip:   ${stripFile}\n`);
}
