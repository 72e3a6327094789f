import { formatDuration } from '@sim2real/progress';
import { demoConfig, type DemoFlags } from './config.js';
import type { DemoIo } from './run-context.js';
import { runDemo, type DemoResult } from './run.js';

/** What `sim2real demo --help` says between its usage line and its options. */
export const DEMO_DESCRIPTION = `The whole pipeline on one machine (the paper's Table 4 story: does a 3DMM regressor trained on
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
BENCHMARKS.md gives the time a run takes (most of it the generator's training, cached for the next
run with the same settings); --generator-steps is the knob. --quick takes a few minutes (tiny images
and counts: it shows the pipeline working, it measures little).`;

/** What follows the options in `sim2real demo --help`. */
export const DEMO_EPILOGUE = `Without --nats / NATS_URL it needs the nats-server binary (Debian/Ubuntu: apt-get install -y nats-server).

Example:
  npm run demo
  npx sim2real demo --quick --data /tmp/sim2real-demo`;

/** The MSE table and where the outputs are. */
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

/**
 * `sim2real demo`: runs the pipeline once and prints the table on `stdout`; resolves to the exit code (130 when
 * interrupted). Throws `FlagError` for flags the table cannot check.
 */
export async function runDemoCommand(flags: DemoFlags, io: DemoIo & { readonly stdout: NodeJS.WritableStream }): Promise<number> {
  const config = demoConfig(flags);
  try {
    const result = await runDemo(config, io);
    io.stdout.write(report(result, config.evalCoefficients));
    return 0;
  } catch (error) {
    if (io.signal.aborted) {
      io.stderr.write('sim2real demo: interrupted; every process it started is stopped.\n');
      return 130;
    }
    throw error;
  }
}
