import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { digitSplits, loadMnistDigits, makeMnistM, readFolderLabels, sourceLabelsOf, trainDigitClassifier, type DigitSample } from '@sim2real/datasets';
import { decodeImage, encodePng, imageSetFromImages, listImageFiles, loadImageFolder, makeGrid, type RgbImage } from '@sim2real/imaging';
import { loadEngine, translateFolder, translatedFileName } from '@sim2real/inference';
import { exportOnnx } from '@sim2real/onnx-export';
import { readModelManifest, resolveTranslationConfig, type TranslationOptions } from '@sim2real/translation';
import { PhaseTimer } from '../report.js';
import type { Reporter } from '../reporter.js';
import { trainTranslator } from '../translator.js';
import type { DigitsConfig } from './config.js';
import { TRANSLATED_ROWS, isTranslatedRow, rowsOf, type Metric, type RowName, type SeedPhases, type SeedResult } from './rows.js';

/** What one seed measured, the phases it took and its strip (source | translated | attention | target). */
export interface SeedOutcome {
  result: SeedResult;
  phases: SeedPhases;
  strip: RgbImage;
}

/** Writes `<dir>/<label>/<index>.png` per sample; returns the relative paths in sample order. */
async function writeDigits(dir: string, samples: readonly DigitSample[]): Promise<string[]> {
  const files: string[] = [];
  for (const sample of samples) {
    const file = path.join(String(sample.label), `${String(sample.index).padStart(5, '0')}.png`);
    await mkdir(path.join(dir, String(sample.label)), { recursive: true });
    await writeFile(path.join(dir, file), await encodePng(sample.image));
    files.push(file);
  }
  return files;
}

const readImages = (dir: string, files: readonly string[]): Promise<RgbImage[]> =>
  Promise.all(files.map(async (file) => decodeImage(await readFile(path.join(dir, file)), { name: file })));

/** The folders of one seed under OUT/seed-N. */
function seedDirs(outDir: string, seed: number) {
  const dir = path.join(outDir, `seed-${seed}`);
  return {
    source: path.join(dir, 'source'),
    target: path.join(dir, 'target-train'),
    model: path.join(dir, 'translator'),
    translated: path.join(dir, 'translated'),
    initial: path.join(dir, 'initial'),
    attention: path.join(dir, 'attention'),
    labelModel: path.join(dir, 'translator-label-consistent'),
    labelTranslated: path.join(dir, 'translated-label-consistent'),
  };
}

/** The translator trainings and translations of one seed. */
interface TranslatorRun {
  /** Model folder. */
  readonly model: string;
  /** Where G(x) of the source set goes, and G0(x) and A(x) when asked. */
  readonly out: string;
  readonly initialOut?: string;
  readonly attentionOut?: string;
  /** Trained on the source folder's class labels (`--source-labels`). */
  readonly labelConsistent: boolean;
}

/** Runs one seed of the benchmark in this process; its folders go to OUT/seed-N. */
export async function runSeed(config: DigitsConfig, seed: number, outDir: string, reporter: Reporter, signal: AbortSignal): Promise<SeedOutcome> {
  const started = performance.now();
  const timer = new PhaseTimer();
  const dirs = seedDirs(outDir, seed);
  const { size } = config;
  const data = await timer.time('data_s', async () => {
    const splits = digitSplits({ source: config.source, targetTrain: config.targetTrain, targetTest: config.targetTest }, config.dataset);
    const load = (range: { offset: number; count: number }): Promise<DigitSample[]> => loadMnistDigits({ ...range, dataset: config.dataset, seed, size });
    const mnistM = async (range: { offset: number; count: number }, part: number): Promise<DigitSample[]> =>
      makeMnistM(await load(range), { photosDir: config.photosDir, seed: seed * 10 + part, size, signal });
    const source = await load(splits.source);
    const targetTrain = await mnistM(splits.targetTrain, 1);
    const targetTest = await mnistM(splits.targetTest, 2);
    const sourceFiles = await writeDigits(dirs.source, source);
    await writeDigits(dirs.target, targetTrain);
    return { source, sourceFiles, targetTrain, targetTest };
  });

  /** Trains a translator on the source and target folders, then translates the source folder with it. */
  const trainAndTranslate = async (run: TranslatorRun): Promise<void> => {
    await timer.time('translator_train_s', async () => {
      const translation = resolveTranslationConfig({ ...config.translatorExtra, ...translatorFlags(config, seed), ...(run.labelConsistent ? { labelConsistent: true } : {}) });
      const source = await loadImageFolder(dirs.source, { size, signal });
      const target = await loadImageFolder(dirs.target, { size, signal });
      const sourceLabels = run.labelConsistent ? sourceLabelsOf(await readFolderLabels(dirs.source, { signal }), source.files, dirs.source) : undefined;
      await trainTranslator({ source: source.images, target: target.images, sourceLabels, modelDir: run.model, config: translation, vggDir: config.vggDir, signal }, reporter);
      await exportOrWarn(run.model, reporter);
    });
    await timer.time('translate_s', async () => {
      const engine = await loadEngine(run.model);
      try {
        if (config.draws > 1 && engine.noiseSize === 0) throw new Error(`--draws ${config.draws} needs a translator with a noise input, and this preset has none.`);
        const files = await listImageFiles(dirs.source);
        const progress = reporter.progress(`translate (seed ${seed})`, files.length, 'img');
        await translateFolder(engine, files, { inDir: dirs.source, out: run.out, initialOut: run.initialOut, attentionOut: run.attentionOut, draws: config.draws, signal, onProgress: (done) => progress.update(done) });
        progress.finish();
        signal.throwIfAborted();
      } finally {
        await engine.dispose();
      }
    });
  };
  // The label-consistent translator trains first, so that a run stopped early has gone furthest with the row it was asked for.
  if (config.labelConsistent) await trainAndTranslate({ model: dirs.labelModel, out: dirs.labelTranslated, labelConsistent: true });
  await trainAndTranslate({ model: dirs.model, out: dirs.translated, initialOut: dirs.initial, attentionOut: dirs.attention, labelConsistent: false });
  const manifest = await readModelManifest(dirs.model);
  const drawFiles = Array.from({ length: config.draws }, (_, draw) => data.sourceFiles.map((file) => translatedFileName(file, draw))).flat();
  const translated = await readImages(dirs.translated, drawFiles);
  const initial = await readImages(dirs.initial, drawFiles);
  const labelConsistent = config.labelConsistent ? await readImages(dirs.labelTranslated, drawFiles) : [];

  const labels = (samples: readonly DigitSample[]): number[] => samples.map((s) => s.label);
  const sourceLabels = labels(data.source);
  const translatedLabels = Array.from({ length: config.draws }, () => sourceLabels).flat();
  const sets: Record<RowName, { images: readonly RgbImage[]; labels: number[] }> = {
    source_only: { images: data.source.map((s) => s.image), labels: sourceLabels },
    initial: { images: initial, labels: translatedLabels },
    final: { images: translated, labels: translatedLabels },
    label_consistent: { images: labelConsistent, labels: translatedLabels },
    oracle: { images: data.targetTrain.map((s) => s.image), labels: labels(data.targetTrain) },
  };
  const test = await imageSetFromImages(data.targetTest.map((s) => s.image), size);
  const testLabels = labels(data.targetTest);
  const accuracy: Partial<Record<Metric, number>> = {};
  await timer.time('classify_s', async () => {
    for (const row of rowsOf(config)) {
      const progress = reporter.progress(`classifier ${row} (seed ${seed})`, config.classifierSteps, 'steps');
      const classifier = await trainDigitClassifier(await imageSetFromImages(sets[row].images, size), sets[row].labels, {
        steps: config.classifierSteps,
        seed,
        signal,
        onStep: (step, loss) => progress.update(step, { loss }),
      });
      try {
        accuracy[row] = classifier.accuracy(test, testLabels);
        if (row === 'oracle') {
          for (const translatedRow of rowsOf(config).filter(isTranslatedRow)) {
            accuracy[TRANSLATED_ROWS[translatedRow]] = classifier.accuracy(await imageSetFromImages(sets[translatedRow].images, size), translatedLabels);
          }
        }
      } finally {
        classifier.dispose();
      }
      progress.finish({ target_test_accuracy: accuracy[row] });
    }
  });

  const attention = await readImages(dirs.attention, data.sourceFiles);
  const twins = await makeMnistM(data.source.slice(0, 8), { photosDir: config.photosDir, seed: seed * 10 + 3, size });
  const strip = makeGrid(
    twins.map((twin, i) => [data.source[i]!.image, translated[i]!, attention[i]!, twin.image]),
    { cellSize: Math.max(64, size), gap: 2 },
  );
  return {
    result: {
      seed,
      ...accuracy,
      translator_lambda: manifest.metrics.lambda,
      translator_steps: manifest.config.steps,
      translator_batch: manifest.config.batchSize,
      translator_degraded: manifest.degraded,
      wall_time_s: Math.round((performance.now() - started) / 100) / 10,
    },
    phases: { wall: timer.seconds, cpu: timer.cpuSeconds },
    strip,
  };
}

/** The translator options the benchmark's flags set over `--translator-config` (only those given). */
function translatorFlags(config: DigitsConfig, seed: number): TranslationOptions {
  return {
    preset: config.preset,
    imageSize: config.size,
    seed: seed + 1,
    ...(config.translatorSteps === undefined ? {} : { steps: config.translatorSteps }),
    ...(config.translatorBatch === undefined ? {} : { batchSize: config.translatorBatch }),
  };
}

/** Exports the translator to ONNX, as `sim2real train` does; a failed export leaves it on tfjs, with a warning. */
async function exportOrWarn(modelDir: string, reporter: Reporter): Promise<void> {
  try {
    await exportOnnx(modelDir);
  } catch (error) {
    reporter.warn(`the translator runs on tfjs only, its ONNX export failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A seed's strip, OUT/seed-N/strip.png (the run's strip is its first seed's). */
export const seedStripFile = (outDir: string, seed: number): string => path.join(outDir, `seed-${seed}`, 'strip.png');
