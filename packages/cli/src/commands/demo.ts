import type { CommandContext, CommandSpec, ParsedOptions } from '../command.js';
import { demoConfig } from '../demo/config.js';
import { runDemo, type DemoResult } from '../demo/run.js';
import { formatDuration } from '../progress.js';
import { backendChoice } from './shared.js';

const USAGE = `Usage: sim2real demo [--quick] [options]

The whole pipeline on one machine (the paper's Table 4 story: does a 3DMM regressor trained on
translated renders do better on real-looking faces than one trained on the renders?):
  nats             --nats / NATS_URL when a server answers there, else a local nats-server with
                   JetStream in a temporary folder (removed at the end)
  translator       sim2real serve, its model registry in DATA/registry
  faces            renders sim and real-style training faces and real-style test faces (cached in DATA/faces)
  generator        trains a small sim → real face translator on the translator (StartTraining), or
                   reuses the one an earlier run with the same settings left in the registry
  adapter          sim2real adapt, routing this run's dataset to that generator
  regress-adapted  sim2real regress on the translated batches (ours)
  regress-sim      sim2real regress on the untranslated batches (baseline)
  publish          sim2real publish faces: sim faces the generator never saw, label = 3DMM coefficients
  samples          sim | translated | attention | real-style render of the same face, as a PNG
The translator runs with TLS and tokens on: the demo makes a throwaway CA, the translator's certificate
and two tokens (its own, role train; the adapter's, role translate) in a private temporary folder at
the start (needs openssl) and removes them at the end.
Services run as child processes (logs in DATA/runs/<run>/logs), one status line per stage. At the
end it prints both regressors' MSE on the real-style test faces and writes results.json and
samples.png in DATA/runs/<run>; everything it started is stopped, also on Ctrl-C or SIGTERM.

Defaults cost about 8 CPU-minutes the first time, most of it the generator's single-threaded training
(measured 8m00s wall on 2 idle cores), and a few minutes less with the
generator cached; --generator-steps is the knob. --quick takes a few minutes (tiny images and counts: it shows the
pipeline working, it measures little).

Options:
  --quick                  tiny sizes and counts
  --data DIR               cache and outputs                               [default: .sim2real/demo]
  --nats URL               NATS server to use if it answers         [default: NATS_URL, else a local one]
  --faces N                sim faces published through the pipeline       [default: 1280; quick 128]
  --batch N                faces per batch                                [default: 32; quick 16]
  --steps-per-batch N      regressor steps per batch                      [default: 4; quick 2]
  --generator-faces N      sim and real-style faces (each) the generator trains on  [default: 600; quick 64]
  --generator-steps N      generator training steps                       [default: 800; quick 12]
  --test-faces N           real-style test faces                          [default: 200; quick 48]
  --size N                 image size in pixels, a multiple of 16         [default: 32; quick 32]
  --eval-coefficients K    3DMM coefficients regressed and scored         [default: 10]
  --seed N                 seed of the faces and networks                 [default: 0]
  --photos DIR             real-style backgrounds   [default: SIM2REAL_PHOTOS_DIR, then ../shared/data/photos]
  --vgg DIR                VGG-19 weights   [default: SIM2REAL_VGG_DIR, then ../shared/weights/vgg19-block3]
  --backend NAME           auto | tensorflow-gpu | tensorflow | wasm | cpu (also TFJS_BACKEND)

Without --nats / NATS_URL it needs the nats-server binary (Debian/Ubuntu: apt-get install -y nats-server).

Example:
  npm run demo
  npx sim2real demo --quick --data /tmp/sim2real-demo
`;

export const demoCommand: CommandSpec = {
  name: 'demo',
  usage: USAGE,
  options: {
    quick: { type: 'boolean' },
    data: { type: 'string' },
    nats: { type: 'string' },
    faces: { type: 'string' },
    batch: { type: 'string' },
    'steps-per-batch': { type: 'string' },
    'generator-faces': { type: 'string' },
    'generator-steps': { type: 'string' },
    'test-faces': { type: 'string' },
    size: { type: 'string' },
    'eval-coefficients': { type: 'string' },
    seed: { type: 'string' },
    photos: { type: 'string' },
    vgg: { type: 'string' },
    backend: { type: 'string' },
  },
  run: runDemoCommand,
};

function report(result: DemoResult, evalCoefficients: number): string {
  const rows: [string, string, number][] = [
    ['sim (baseline)', 'untranslated sim renders', result.simMse],
    ['adapted (ours)', `sim renders translated by ${result.model}`, result.adaptedMse],
  ];
  const line = ([row, trainedOn, mse]: [string, string, string]): string => `${row.padEnd(16)}${trainedOn.padEnd(52)}${mse.padStart(8)}\n`;
  const change = (100 * (result.simMse - result.adaptedMse)) / result.simMse;
  return [
    `\n3DMM regression: MSE of the first ${evalCoefficients} coefficients on ${result.testFaces} real-style test faces (lower is better)\n`,
    line(['regressor', 'trained on', 'MSE']),
    ...rows.map(([row, trainedOn, mse]) => line([row, trainedOn, mse.toFixed(4)])),
    `adapted vs sim: ${change >= 0 ? `${change.toFixed(1)} % lower` : `${(-change).toFixed(1)} % higher`} (the paper's Table 4: 2.26 → 1.97)\n`,
    `samples: ${result.samples}  (sim | translated | attention | real-style render of the same face)\n`,
    `results: ${result.results}\n`,
    `logs:    ${result.logs}\n`,
    `done in ${formatDuration(result.wallTimeS)}${result.generatorCached ? ' (generator from the cache)' : ''}\n`,
  ].join('');
}

async function runDemoCommand(options: ParsedOptions, _positionals: string[], ctx: CommandContext): Promise<number> {
  const name = demoCommand.name;
  const config = demoConfig(options, ctx.env, name);
  const backendArgs = config.backend === undefined ? [] : ['--backend', backendChoice(config.backend, name)];
  try {
    const result = await runDemo(config, { stderr: ctx.stderr, interactive: ctx.interactive, env: ctx.env, signal: ctx.signal, backendArgs });
    ctx.stdout.write(report(result, config.evalCoefficients));
    return 0;
  } catch (error) {
    if (ctx.signal.aborted) {
      ctx.stderr.write('sim2real demo: interrupted; every process it started is stopped.\n');
      return 130;
    }
    throw error;
  }
}
