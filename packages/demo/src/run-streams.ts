import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ADAPTED_STREAM, DEAD_STREAM, SYNTHETIC_STREAM, adaptedSubject, deadSubject, syntheticSubject } from '@sim2real/messaging';

/** One run's dataset in JetStream, seen from the demo (so it needs nothing from the adapter's logs). */
export interface RunStreams {
  /** How far the adapter is: batches republished and dead-lettered. */
  counts(): Promise<{ adapted: number; dead: number }>;
  /** Deletes the run's consumers and messages (for a NATS server the demo did not start and remove). */
  forget(): Promise<void>;
  close(): Promise<void>;
}

export async function openRunStreams(natsUrl: string, dataset: string): Promise<RunStreams> {
  const nc = await connect({ servers: natsUrl, name: 'sim2real-demo-monitor' });
  const jsm = await jetstreamManager(nc);
  const subjects: [string, string][] = [
    [SYNTHETIC_STREAM, syntheticSubject(dataset)],
    [ADAPTED_STREAM, adaptedSubject(dataset)],
    [DEAD_STREAM, deadSubject(dataset)],
  ];
  const count = async (stream: string, subject: string): Promise<number> =>
    (await jsm.streams.info(stream, { subjects_filter: subject }).catch(() => undefined))?.state.subjects?.[subject] ?? 0;
  return {
    counts: async () => {
      const [adapted, dead] = await Promise.all([count(ADAPTED_STREAM, adaptedSubject(dataset)), count(DEAD_STREAM, deadSubject(dataset))]);
      return { adapted, dead };
    },
    forget: async () => {
      for (const [stream, subject] of subjects) {
        if (!(await jsm.streams.info(stream).catch(() => undefined))) continue;
        for await (const consumer of jsm.consumers.list(stream)) {
          if (consumer.config.filter_subject === subject) await jsm.consumers.delete(stream, consumer.name);
        }
        await jsm.streams.purge(stream, { filter: subject });
      }
    },
    close: () => nc.close().catch(() => undefined),
  };
}
