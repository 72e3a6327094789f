import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MicroBatcher } from '../src/batcher.js';
import { CapacityError } from '../src/errors.js';
import type { BatchReport } from '../src/batcher.js';

function recordingBatcher(options: { maxBatchSize?: number; maxBatchDelayMs?: number; maxQueuedItems?: number; runMs?: number } = {}) {
  const batches: { key: string; items: number[] }[] = [];
  const reports: BatchReport[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const batcher = new MicroBatcher<number, number>(
    async (key, items) => {
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      batches.push({ key, items: [...items] });
      await sleep(options.runMs ?? 0);
      concurrent -= 1;
      return items.map((x) => x * 10);
    },
    { maxBatchSize: options.maxBatchSize ?? 4, maxBatchDelayMs: options.maxBatchDelayMs ?? 10, maxQueuedItems: options.maxQueuedItems ?? 100 },
    (report) => reports.push(report),
  );
  return { batcher, batches, reports, maxConcurrent: () => maxConcurrent };
}

void describe('MicroBatcher', () => {
  void test('merges items submitted together into one batch and returns each output with the batch size', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchDelayMs: 20 });
    const results = await Promise.all([1, 2, 3].map((x) => batcher.submit('m', x)));
    assert.deepEqual(
      results.map((r) => r.output),
      [10, 20, 30],
    );
    assert.deepEqual(
      results.map((r) => r.batchSize),
      [3, 3, 3],
    );
    assert.deepEqual(batches, [{ key: 'm', items: [1, 2, 3] }]);
  });

  void test('a full batch runs at once, without waiting for the delay', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 2, maxBatchDelayMs: 10_000 });
    const started = performance.now();
    await Promise.all([batcher.submit('m', 1), batcher.submit('m', 2)]);
    assert.ok(performance.now() - started < 1000);
    assert.equal(batches.length, 1);
  });

  void test('splits at maxBatchSize, keeps keys apart and runs one batch at a time', async () => {
    const { batcher, batches, maxConcurrent } = recordingBatcher({ maxBatchSize: 2, runMs: 5 });
    await Promise.all([batcher.submit('a', 1), batcher.submit('b', 2), batcher.submit('a', 3), batcher.submit('a', 4), batcher.submit('b', 5)]);
    assert.equal(maxConcurrent(), 1);
    const byKey = (key: string): number[][] => batches.filter((b) => b.key === key).map((b) => b.items);
    assert.deepEqual(byKey('a'), [[1, 3], [4]]);
    assert.deepEqual(byKey('b'), [[2, 5]]);
  });

  void test('items keep gathering while a batch runs, so batches grow under load', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 8, maxBatchDelayMs: 0, runMs: 30 });
    const first = batcher.submit('m', 0);
    await sleep(5);
    const rest = [1, 2, 3].map((x) => batcher.submit('m', x));
    await Promise.all([first, ...rest]);
    assert.deepEqual(
      batches.map((b) => b.items),
      [[0], [1, 2, 3]],
    );
  });

  void test('an item aborted before its batch starts is dropped, the others still run', async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchDelayMs: 30 });
    const controller = new AbortController();
    const dropped = batcher.submit('m', 1, controller.signal);
    const kept = batcher.submit('m', 2);
    controller.abort(new Error('client went away'));
    await assert.rejects(dropped, /client went away/);
    assert.equal((await kept).output, 20);
    assert.deepEqual(batches, [{ key: 'm', items: [2] }]);
    assert.equal(batcher.queued, 0);
  });

  void test("a signal shared by many items gets one abort listener, removed once they run; aborting it drops all still queued", async () => {
    const { batcher, batches } = recordingBatcher({ maxBatchSize: 4, maxBatchDelayMs: 30, runMs: 20 });
    const request = new AbortController();
    const first = Array.from({ length: 32 }, (_, i) => batcher.submit('m', i, request.signal));
    assert.equal(getEventListeners(request.signal, 'abort').length, 1);
    await Promise.all(first);
    assert.equal(getEventListeners(request.signal, 'abort').length, 0);
    assert.equal(batches.length, 8);

    const other = new AbortController();
    const queued = Array.from({ length: 12 }, (_, i) => batcher.submit('m', 100 + i, other.signal));
    const settled = Promise.allSettled(queued);
    // The first 4 filled a batch, which started at once: they are no longer abortable.
    other.abort(new Error('request failed'));
    const outcomes = await settled;
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 4);
    assert.equal(outcomes.filter((o) => o.status === 'rejected').length, 8);
    assert.equal(getEventListeners(other.signal, 'abort').length, 0);
    assert.equal(batcher.queued, 0);
  });

  void test('refuses items beyond maxQueuedItems with CapacityError naming the limit', async () => {
    const { batcher } = recordingBatcher({ maxQueuedItems: 2, maxBatchDelayMs: 20 });
    const accepted = [batcher.submit('m', 1), batcher.submit('m', 2)];
    await assert.rejects(batcher.submit('m', 3), (error: unknown) => error instanceof CapacityError && /maxQueuedImages = 2/.test(error.message));
    await Promise.all(accepted);
  });

  void test('a failing batch rejects its items and the batcher goes on', async () => {
    let fail = true;
    const batcher = new MicroBatcher<number, number>(
      (_key, items) => {
        if (fail) {
          fail = false;
          throw new Error('inference failed');
        }
        return [...items];
      },
      { maxBatchSize: 4, maxBatchDelayMs: 0, maxQueuedItems: 10 },
    );
    await assert.rejects(batcher.submit('m', 1), /inference failed/);
    assert.equal((await batcher.submit('m', 2)).output, 2);
    await batcher.idle();
  });
});
