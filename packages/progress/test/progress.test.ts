import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { Progress, formatDuration } from '../src/index.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

test('non-interactive progress prints JSON lines with rate and ETA at most once per interval', () => {
  let now = 0;
  const out = capture();
  const progress = new Progress({ label: 'train', total: 10, stream: out.stream, interactive: false, intervalMs: 1000, now: () => now });
  now = 500;
  progress.update(1, { loss: 0.5 });
  now = 700;
  progress.update(2);
  now = 2000;
  progress.update(4, { loss: 0.25 });
  const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[1], { event: 'progress', label: 'train', done: 4, total: 10, rate: 2, unit: 'it', etaS: 3, loss: 0.25 });
});

test('interactive progress redraws one line with a bar', () => {
  let now = 0;
  const out = capture();
  const progress = new Progress({ label: 'translate', total: 4, stream: out.stream, interactive: true, unit: 'img', now: () => now });
  now = 1000;
  progress.update(2);
  progress.finish();
  const text = out.text();
  const clearLine = '\r\u001b[2K';
  assert.ok(text.startsWith(clearLine));
  assert.match(text.slice(clearLine.length), /^translate █{12}░{12} 2\/4 2 img\/s ETA 0:01 /);
  assert.ok(text.endsWith('\n'));
});

test('formatDuration', () => {
  assert.equal(formatDuration(75), '1:15');
  assert.equal(formatDuration(3725), '1:02:05');
});
