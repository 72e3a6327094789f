import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { ADAPTED_STREAM, DEAD_STREAM, adaptedSubject, deadSubject } from '@sim2real/dataset-adapter';

/** How far the adapter is with one dataset, read from JetStream (so it needs nothing from the adapter's logs). */
export interface BatchCounts {
  counts(): Promise<{ adapted: number; dead: number }>;
  close(): Promise<void>;
}

export async function openBatchCounts(natsUrl: string, dataset: string): Promise<BatchCounts> {
  const nc = await connect({ servers: natsUrl, name: 'sim2real-demo-monitor' });
  const jsm = await jetstreamManager(nc);
  const count = async (stream: string, subject: string): Promise<number> =>
    (await jsm.streams.info(stream, { subjects_filter: subject }).catch(() => undefined))?.state.subjects?.[subject] ?? 0;
  return {
    counts: async () => {
      const [adapted, dead] = await Promise.all([count(ADAPTED_STREAM, adaptedSubject(dataset)), count(DEAD_STREAM, deadSubject(dataset))]);
      return { adapted, dead };
    },
    close: () => nc.close().catch(() => undefined),
  };
}
