import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { pythonExecutable, startTranslatorProcess, tinyRegistry } from '@sim2real/client/testing';
import type { TranslatorProcess } from '@sim2real/client/testing';
import { encodeLabelledBatch } from '@sim2real/contracts';
import type { LabelledBatch } from '@sim2real/contracts';
import { encodePng } from '@sim2real/imaging';
import { noiseImage } from '@sim2real/translation/testing';

const examplesDir = fileURLToPath(new URL('..', import.meta.url));
const repoDir = path.join(examplesDir, '..');

/** Runs a command to its end; resolves to its exit code and output. */
async function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd: repoDir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

void describe('pytorch/train_adapted.py', () => {
  let registry: Awaited<ReturnType<typeof tinyRegistry>>;
  let translator: TranslatorProcess;
  before(async () => {
    registry = await tinyRegistry(['tiny']);
    translator = await startTranslatorProcess({ REGISTRY_DIR: registry.dir, DEFAULT_MODEL: 'tiny' });
  });
  after(async () => {
    await translator?.stop();
    await registry?.remove();
  });

  void test('trains a classifier for a few steps on translated images', async () => {
    const args = ['examples/pytorch/train_adapted.py', '--translator', translator.address, '--samples', '16', '--size', '16', '--steps', '4', '--batch', '8'];
    const { code, stdout, stderr } = await run(pythonExecutable(), args, { PYTHONPATH: path.join(repoDir, 'clients', 'python') });
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as { step?: number; steps?: number; final_loss?: number });
    assert.deepEqual(lines.slice(0, -1).map((l) => l.step), [1, 2, 3, 4]);
    const summary = lines.at(-1)!;
    assert.equal(summary.steps, 4);
    assert.ok(Number.isFinite(summary.final_loss), stdout);
  });
});

void describe('typescript/consume-adapted.ts', () => {
  let dir: string;
  let nats: ReturnType<typeof spawn>;
  let url: string;
  let nc: NatsConnection;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sim2real-examples-'));
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    url = `nats://127.0.0.1:${port}`;
    nats = spawn(process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    for (let tries = 0; ; tries++) {
      try {
        nc = await connect({ servers: url, reconnect: false });
        break;
      } catch (error) {
        if (tries > 100) throw error;
        await sleep(50);
      }
    }
    // What the dataset adapter provisions: the adapted stream.
    await (await jetstreamManager(nc)).streams.add({ name: 'SIM2REAL_ADAPTED', subjects: ['sim2real.batches.adapted.>'] });
  });
  after(async () => {
    await nc?.close();
    nats?.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  const publish = async (dataset: string, batch: LabelledBatch): Promise<void> => {
    const h = headers();
    h.set('Sim2real-Model', 'faces@v1');
    await jetstream(nc).publish(`sim2real.batches.adapted.${dataset}`, encodeLabelledBatch(batch), { headers: h, msgID: batch.batchId });
  };
  const consume = async (maxBatches: number): Promise<{ batchId: string; sampleId: string; model: string; width: number; label: unknown }[]> => {
    const { code, stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'examples/typescript/consume-adapted.ts', '--dataset', 'demo', '--nats', url, '--max-batches', String(maxBatches)]);
    assert.equal(code, 0, stderr);
    return stdout.trim().split('\n').map((line) => JSON.parse(line) as never);
  };

  void test('prints each sample of the dataset\'s adapted batches with its label, and resumes where it stopped', async () => {
    const image = { data: await encodePng(noiseImage(8, 6, 1)), encoding: 'ENCODING_PNG' as const, width: 8, height: 6 };
    await publish('demo', { batchId: 'b1', dataset: 'demo', samples: [{ id: 's1', image, label: { vector: { values: [0.5, -1] } } }, { id: 's2', image, label: { classIndex: 7 } }] });
    await publish('other', { batchId: 'x1', dataset: 'other', samples: [{ id: 'x', image, label: { classIndex: 1 } }] });
    await publish('demo', { batchId: 'b2', dataset: 'demo', samples: [{ id: 's3', image, label: { classIndex: 3 } }] });
    const first = await consume(2);
    assert.deepEqual(first.map((s) => [s.batchId, s.sampleId, s.model, s.width]), [['b1', 's1', 'faces@v1', 8], ['b1', 's2', 'faces@v1', 8], ['b2', 's3', 'faces@v1', 8]]);
    assert.deepEqual(first.map((s) => s.label), [{ vector: [0.5, -1] }, { classIndex: '7' }, { classIndex: '3' }]);

    await publish('demo', { batchId: 'b3', dataset: 'demo', samples: [{ id: 's4', image, label: { opaque: Buffer.from('abc') } }] });
    const next = await consume(1);
    assert.deepEqual(next.map((s) => [s.batchId, s.label]), [['b3', { opaqueBytes: 3 }]]);
  });
});
