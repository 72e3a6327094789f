import { after, before } from 'node:test';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type StoredMsg } from '@nats-io/jetstream';
import type { LabelledBatch, Label } from '@sim2real/contracts';
import { createAdapter, type Adapter, type AdapterOptions } from '@sim2real/dataset-adapter';
import { ADAPTED_STREAM, DEAD_STREAM, type NatsServerHandle, SYNTHETIC_STREAM, provisionStreams, startNatsServer } from '@sim2real/messaging';
import { tinyRegistry } from '@sim2real/client/testing';
import { startRealTranslator, type RealTranslator } from './real-translator.js';
import { loggerFrom } from '@sim2real/telemetry';

/** A tiny batch of raw RGB images (16 px, the test model's size), with every label kind in turn. */
export function makeBatch(dataset: string, batchId: string, count = 3, size = 16): LabelledBatch {
  const labels: Label[] = [{ classIndex: '3' }, { vector: { values: [0.25, -1.5, 7] } }, { opaque: Buffer.from('mask-bytes') }];
  return {
    batchId,
    dataset,
    attributes: { origin: 'test' },
    samples: Array.from({ length: count }, (_, i) => ({
      id: `${batchId}/s${i}`,
      image: { data: Buffer.alloc(size * size * 3, (i * 40 + batchId.length) % 256), encoding: 'ENCODING_RAW_RGB8', width: size, height: size },
      label: labels[i % labels.length]!,
    })),
  };
}

export interface Nats {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
}

export async function natsClient(url: string): Promise<Nats> {
  const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
  return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
}

/** Every message stored in a stream, in order. */
export async function readStream(jsm: JetStreamManager, stream: string): Promise<StoredMsg[]> {
  const { state } = await jsm.streams.info(stream);
  const messages: StoredMsg[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (msg) messages.push(msg);
  }
  return messages;
}

export async function streamCount(jsm: JetStreamManager, stream: string): Promise<number> {
  return (await jsm.streams.info(stream)).state.messages;
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An adapter with fast test timings and its log lines collected. */
export async function startAdapter(options: Partial<AdapterOptions> & Pick<AdapterOptions, 'natsServers' | 'translatorAddress'>): Promise<{ adapter: Adapter; logs: { event: string; fields?: Record<string, unknown> }[] }> {
  const logs: { event: string; fields?: Record<string, unknown> }[] = [];
  const adapter = await createAdapter({
    routes: [{ dataset: 'digits', model: 'm' }],
    ackWaitMs: 3000,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 500,
    reconnectBaseDelayMs: 50,
    reconnectMaxDelayMs: 300,
    maxDeliver: 30,
    stopTimeoutMs: 3000,
    lagPollIntervalMs: 200,
    logger: loggerFrom((_level, event, fields) => logs.push({ event, fields })),
    ...options,
  });
  return { adapter, logs };
}

/** What the adapter's integration tests run against: a real nats-server, a real translator serving a tiny trained registry, and a client. */
export interface Pipeline {
  nats: NatsServerHandle;
  translator: RealTranslator;
  registry: { dir: string; remove: () => Promise<void> };
  client: Nats;
  /** Deletes the three streams and provisions them again, empty. */
  resetStreams(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the pipeline; the translator's batches wait `maxBatchDelayMs` for more images. */
async function startPipeline(maxBatchDelayMs: number): Promise<Pipeline> {
  const registry = await tinyRegistry(['m']);
  const nats = await startNatsServer();
  const translator = await startRealTranslator({ registryDir: registry.dir, maxBatchDelayMs });
  const client = await natsClient(nats.url);
  return {
    nats,
    translator,
    registry,
    client,
    async resetStreams() {
      for (const stream of [SYNTHETIC_STREAM, ADAPTED_STREAM, DEAD_STREAM]) await client.jsm.streams.delete(stream).catch(() => false);
      await provisionStreams(client.jsm);
    },
    async close() {
      await client.nc.close();
      await translator.kill();
      await nats.close();
      await registry.remove();
    },
  };
}

/**
 * A pipeline for the calling test file: started before its tests, closed after them. Its parts are filled in
 * by the `before` hook, so read them inside tests, not at the file's top level.
 */
export function usePipeline(maxBatchDelayMs: number): Pipeline {
  const pipeline = {} as Pipeline;
  before(async () => {
    Object.assign(pipeline, await startPipeline(maxBatchDelayMs));
  });
  after(() => pipeline.close());
  return pipeline;
}
