import { readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReportError } from './errors.js';
import { parseTrainingLog, stageAt } from './log.js';
import type { TrainingLog } from './log.js';
import { splitSampleGrid } from './samples.js';
import type { SampleTiles } from './samples.js';
import { escapeXml, formatNumber, lineChart } from './svg.js';
import type { ChartMarker } from './svg.js';

/** The report's file name inside a model folder. */
export const REPORT_FILE = 'report.html';
const LOG_FILE = 'train-log.jsonl';
const MANIFEST_FILE = 'sim2real-model.json';
const SAMPLE_FILE = /^step-(\d+)\.png$/;

/** What `writeTrainingReport` reads and how the page behaves. */
export interface ReportOptions {
  /** The model folder (train-log.jsonl, samples/, sim2real-model.json once a checkpoint exists). */
  modelDir: string;
  /** The run's configuration; the manifest's is shown when absent. @default undefined */
  config?: object;
  /** Seconds between reloads of the page while the run has not finished; 0 turns reloading off. @default 30 */
  refreshSeconds?: number;
  /** Newest sample steps shown (older ones are counted, not shown). @default 40 */
  maxSampleSteps?: number;
}

/** The manifest fields the report shows (a subset of translation's ModelManifest, read as plain JSON). */
interface ManifestView {
  config?: object;
  stage?: string;
  step?: number;
  totalSteps?: number;
  complete?: boolean;
  degraded?: boolean;
  degradedReasons?: string[];
  backend?: string;
  updated?: string;
  metrics?: { wallTimeMs?: number; finalLosses?: Record<string, number>; lambda?: number };
}

const STAGE_TITLES: Record<string, string> = { g0: 'stage 1 · G0', attention: 'stage 2 · attention', joint: 'stage 3 · joint' };
const STAGE_COLORS: Record<string, string> = { g0: '#4e79a7', attention: '#f28e2b', joint: '#59a14f' };
const LOSS_COLORS = ['#4e79a7', '#e15759', '#76b7b2', '#f28e2b', '#59a14f', '#b07aa1', '#9c755f'];
const LOSS_TITLES: Record<string, string> = {
  g_adv: 'g_adv · adversarial loss of G',
  g_reg: 'g_reg · self-regularisation',
  g_div: 'g_div · diversity term',
  g_total: 'g_total · generator objective',
  d: 'd · discriminator loss',
};

const stageTitle = (stage: string): string => STAGE_TITLES[stage] ?? stage;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function sampleSteps(modelDir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(join(modelDir, 'samples'));
  } catch {
    return [];
  }
  return names
    .map((name) => SAMPLE_FILE.exec(name)?.[1])
    .filter((step): step is string => step !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
}

/** Renders the report page of `modelDir` as one self-contained HTML string (inline CSS, SVG and data-URI PNGs). */
export async function renderTrainingReport(options: ReportOptions): Promise<string> {
  const { modelDir } = options;
  const logText = await readOptional(join(modelDir, LOG_FILE));
  if (logText === undefined) throw new ReportError(modelDir, `${modelDir} holds no ${LOG_FILE}; is it a model folder written by sim2real train?`);
  const log = parseTrainingLog(logText);
  const manifestText = await readOptional(join(modelDir, MANIFEST_FILE));
  let manifest: ManifestView = {};
  if (manifestText !== undefined) {
    try {
      manifest = JSON.parse(manifestText) as ManifestView;
    } catch (error) {
      throw new ReportError(modelDir, `${join(modelDir, MANIFEST_FILE)} is not valid JSON.`, { cause: error });
    }
  }
  const config = options.config ?? manifest.config;
  const totalSteps = manifest.totalSteps ?? (config && 'steps' in config && typeof config.steps === 'number' ? config.steps : undefined) ?? log.steps.at(-1)?.step ?? 0;
  const lastStep = Math.max(log.steps.at(-1)?.step ?? 0, manifest.step ?? 0);
  const running = !log.done;
  const refresh = options.refreshSeconds ?? 30;

  const steps = await sampleSteps(modelDir);
  const shown = steps.slice(0, options.maxSampleSteps ?? 40);
  const grids: string[] = [];
  for (const step of shown) {
    const file = join(modelDir, 'samples', `step-${String(step).padStart(6, '0')}.png`);
    let tiles: SampleTiles[] | undefined;
    try {
      tiles = await splitSampleGrid(await readFile(file));
    } catch {
      tiles = undefined;
    }
    grids.push(sampleSection(step, stageAt(log, step), tiles));
  }

  const state = log.done ? (manifest.complete === false ? 'stopped' : 'finished') : 'running';
  const heading = `${state === 'running' ? 'Training' : 'Trained'}: step ${lastStep} of ${totalSteps} (${state})`;
  const markers: ChartMarker[] = log.stages.filter((s) => s.step > 0).map((s) => ({ x: s.step, label: stageTitle(s.stage).replace('stage ', 's') }));
  const lossKeys = [...new Set(log.steps.flatMap((s) => Object.keys(s.losses)))];
  const lossCharts = lossKeys.map((key, i) =>
    lineChart({
      title: LOSS_TITLES[key] ?? key,
      xMax: totalSteps,
      markers,
      series: [{ name: key, color: LOSS_COLORS[i % LOSS_COLORS.length]!, points: log.steps.filter((s) => key in s.losses).map((s) => [s.step, s.losses[key]!] as const) }],
    }),
  );
  const lambdaChart = lineChart({ title: 'λ · weight of the self-regularisation', xMax: totalSteps, markers, series: [{ name: 'λ', color: '#b07aa1', points: log.steps.map((s) => [s.step, s.lambda] as const) }] });
  const rateChart = lineChart({
    title: 'learning rate of G',
    xMax: totalSteps,
    markers,
    series: [{ name: 'lr', color: '#9c755f', points: log.steps.filter((s) => s.learningRate !== undefined).map((s) => [s.step, s.learningRate!] as const) }],
  });

  const warnings = [...new Set([...log.warnings, ...(manifest.degradedReasons ?? []).map((r) => `degraded: ${r}`)])];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${running && refresh > 0 ? `<meta http-equiv="refresh" content="${refresh}">` : ''}
<title>sim2real training report · ${escapeXml(modelDir)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeXml(heading)}</h1>
<p class="meta">${escapeXml(modelDir)}${manifest.backend ? ` · backend ${escapeXml(manifest.backend)}` : ''}${log.firstTime ? ` · started ${escapeXml(log.firstTime)}` : ''}${log.lastTime ? ` · last entry ${escapeXml(log.lastTime)}` : ''}${running && refresh > 0 ? ` · this page reloads every ${refresh} s while training runs` : ''}</p>
${warnings.map((w) => `<p class="warning">${escapeXml(w)}</p>`).join('\n')}
</header>
<section id="timeline"><h2>Stages</h2>${timeline(log, totalSteps, lastStep)}</section>
<section id="curves"><h2>Losses and λ</h2>
<p class="caption">From ${LOG_FILE}: one point per logged step; vertical lines mark where a stage starts.</p>
<div class="charts">${[...lossCharts, lambdaChart, rateChart].join('\n')}</div></section>
<section id="samples"><h2>Samples</h2>
<p class="caption">Per sample step, newest first: each row is one source image: <b>input</b> (synthetic) | <b>G0</b> (the vanilla generator's output) | <b>attention</b> (the mask as a heat overlay on the input: ${heatLegend()} 0 = keep the input, 1 = take G0's output) | <b>output</b> (attention · G0 + (1 − attention) · input).</p>
${grids.join('\n') || '<p class="caption">No sample grid yet.</p>'}
${steps.length > shown.length ? `<p class="caption">${steps.length - shown.length} older sample steps are in samples/ and not shown here.</p>` : ''}
</section>
<section id="config"><h2>Configuration</h2>${config ? configTable(config) : '<p class="caption">Not recorded yet (it is stored with the first checkpoint).</p>'}</section>
</body>
</html>
`;
}

/**
 * Writes `modelDir/report.html` (to a temporary file, then renamed, so a browser never reads half a page) and
 * returns its path.
 */
export async function writeTrainingReport(options: ReportOptions): Promise<string> {
  const html = await renderTrainingReport(options);
  const path = join(options.modelDir, REPORT_FILE);
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, html);
  await rename(temp, path);
  return path;
}

function timeline(log: TrainingLog, totalSteps: number, lastStep: number): string {
  if (log.stages.length === 0) return '<p class="caption">No stage has started yet.</p>';
  const width = 720;
  const scale = (step: number): number => (step / Math.max(1, totalSteps)) * width;
  const bars = log.stages.map((s) => {
    const color = STAGE_COLORS[s.stage] ?? '#888';
    const x = scale(s.step);
    const w = scale(s.stageSteps);
    const done = scale(Math.min(s.stageSteps, Math.max(0, lastStep - s.step)));
    return `<rect x="${x.toFixed(1)}" y="4" width="${w.toFixed(1)}" height="22" fill="${color}" opacity="0.3"/><rect x="${x.toFixed(1)}" y="4" width="${done.toFixed(1)}" height="22" fill="${color}"/><text x="${(x + 4).toFixed(1)}" y="40" class="chart-tick">${escapeXml(stageTitle(s.stage))}</text>`;
  });
  const rows = log.stages.map((s, i) => {
    const end = log.stages[i + 1]?.time ?? (log.done ? log.lastTime : undefined);
    const seconds = end && s.time ? (Date.parse(end) - Date.parse(s.time)) / 1000 : undefined;
    const reached = Math.min(s.stageSteps, Math.max(0, lastStep - s.step));
    return `<tr><td><span class="swatch" style="background:${STAGE_COLORS[s.stage] ?? '#888'}"></span>${escapeXml(stageTitle(s.stage))}</td><td>${s.step + 1}–${s.step + s.stageSteps}</td><td>${reached} / ${s.stageSteps}</td><td>${escapeXml(s.time)}</td><td>${seconds === undefined ? (log.done ? '' : 'running') : `${formatNumber(seconds)} s`}</td></tr>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="${width}" height="46" viewBox="0 0 ${width} 46" role="img" aria-label="stage timeline"><rect x="0" y="4" width="${width}" height="22" fill="#eee"/>${bars.join('')}</svg>
<table class="stages"><thead><tr><th>stage</th><th>steps</th><th>done</th><th>started</th><th>took</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const dataUri = (png: Uint8Array): string => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

function sampleSection(step: number, stage: string, tiles: SampleTiles[] | undefined): string {
  const title = `<h3>step ${step}${stage ? ` · ${escapeXml(stageTitle(stage))}` : ''}</h3>`;
  if (!tiles) return `<div class="sample">${title}<p class="caption">samples/step-${String(step).padStart(6, '0')}.png does not have the input | G0 | attention | output layout.</p></div>`;
  const stageNote =
    stage === 'g0'
      ? '<p class="caption note">Stage 1 trains G0 alone: there is no attention mask yet (it is all ones), so the output is G0\'s output.</p>'
      : '';
  const rows = tiles.map(
    (t, i) =>
      `<tr><td><img src="${dataUri(t.input)}" alt="input ${i + 1}"></td><td><img src="${dataUri(t.initial)}" alt="G0 ${i + 1}"></td><td><img src="${dataUri(t.overlay)}" alt="attention ${i + 1}" title="mean attention ${formatNumber(t.meanAttention)}"><span class="mean">mean ${t.meanAttention.toFixed(2)}</span></td><td><img src="${dataUri(t.output)}" alt="output ${i + 1}"></td></tr>`,
  );
  return `<div class="sample">${title}${stageNote}<table class="grid"><thead><tr><th>input</th><th>G0</th><th>attention</th><th>output</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function heatLegend(): string {
  return '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="10" viewBox="0 0 80 10" class="legend"><defs><linearGradient id="heat"><stop offset="0" stop-color="#101060"/><stop offset="0.25" stop-color="#781c8c"/><stop offset="0.5" stop-color="#dc3228"/><stop offset="0.75" stop-color="#faa014"/><stop offset="1" stop-color="#fffaaa"/></linearGradient></defs><rect width="80" height="10" fill="url(#heat)"/></svg>';
}

function configTable(config: object): string {
  const rows = Object.entries(config).map(([key, value]) => `<tr><th>${escapeXml(key)}</th><td><code>${escapeXml(JSON.stringify(value))}</code></td></tr>`);
  return `<table class="config">${rows.join('')}</table>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd}h3{font-size:14px;margin:14px 0 4px}
.meta,.caption{color:#555;margin:4px 0}.note{color:#8a5a00}.warning{background:#fff3cd;border:1px solid #e0c36a;padding:6px 10px;margin:6px 0}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{background:#fafafa;border:1px solid #e4e4e4}
.chart-title{font-size:12px;font-weight:600;fill:#333}.chart-tick,.chart-legend{font-size:10px;fill:#666}.chart-legend{font-weight:600}
.chart-frame{fill:none;stroke:#ccc}.chart-grid{stroke:#eee}.chart-marker{stroke:#999;stroke-dasharray:3 3}.chart-marker-label{font-size:9px;fill:#777}.chart-empty{font-size:12px;fill:#999}
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}.stages td,.stages th,.config td,.config th{border-bottom:1px solid #eee}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;vertical-align:middle}
.sample{display:inline-block;vertical-align:top;margin:0 18px 12px 0}.grid th{font-weight:600;font-size:12px;text-align:center}.grid td{padding:2px;text-align:center}
.grid img{width:96px;height:96px;image-rendering:pixelated;display:block}.mean{font-size:10px;color:#666}.legend{vertical-align:middle}
code{font-size:12px}
`;
