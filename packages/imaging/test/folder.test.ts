import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { tf } from '@sim2real/tensor';
import { encodeJpeg, encodePng, listImageFiles, loadImageFolder, type LoadProgress } from '../src/index.js';
import { blockedFormats, noise, pngClaiming, rgb } from './fixtures.js';

let dir: string;

void before(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'imaging-folder-'));
  await mkdir(path.join(dir, 'b/deep'), { recursive: true });
  await mkdir(path.join(dir, '.git'));
  const good = await encodePng(rgb(8, 8, () => 255));
  const jpeg = await encodeJpeg(rgb(12, 10, () => 0));
  const truncated = await encodePng(noise(32, 32));
  await Promise.all([
    writeFile(path.join(dir, 'a.png'), good),
    writeFile(path.join(dir, 'b/deep/c.JPG'), jpeg),
    writeFile(path.join(dir, 'b/d.jpeg'), jpeg),
    writeFile(path.join(dir, 'b/corrupt.png'), Uint8Array.from([1, 2, 3, 4])),
    writeFile(path.join(dir, 'b/cut.png'), truncated.subarray(0, truncated.length >> 1)),
    writeFile(path.join(dir, 'gif.png'), (await blockedFormats()).GIF!),
    writeFile(path.join(dir, 'huge.png'), pngClaiming(100_000, 100_000)),
    writeFile(path.join(dir, 'notes.txt'), 'not an image'),
    writeFile(path.join(dir, '._a.png'), 'macOS fork'),
    writeFile(path.join(dir, '.git/x.png'), good),
  ]);
  await symlink(path.join(dir, 'a.png'), path.join(dir, 'link.png'));
  await symlink(path.join(dir, 'b'), path.join(dir, 'loop'));
});

void after(async () => {
  await rm(dir, { recursive: true, force: true });
});

void describe('listImageFiles', () => {
  void it('lists PNG/JPEG recursively, sorted, relative, skipping dot-files and directory links', async () => {
    assert.deepEqual(await listImageFiles(dir), [
      'a.png',
      'b/corrupt.png',
      'b/cut.png',
      'b/d.jpeg',
      'b/deep/c.JPG',
      'gif.png',
      'huge.png',
      'link.png',
    ]);
  });
});

void describe('loadImageFolder', () => {
  void it('loads the good images and skips the bad ones with reasons naming them', async () => {
    const progress: LoadProgress[] = [];
    const { images, files, skipped } = await loadImageFolder(dir, { size: 4, onProgress: (p) => progress.push(p) });
    assert.deepEqual(files, ['a.png', 'b/d.jpeg', 'b/deep/c.JPG', 'link.png']);
    assert.equal(images.count, 4);
    assert.equal(images.size, 4);
    assert.deepEqual(images.image(0), rgb(4, 4, () => 255));
    assert.ok(images.image(1).data.every((v) => v <= 2), 'black JPEG stays black');
    assert.deepEqual(skipped.map((s) => s.file), ['b/corrupt.png', 'b/cut.png', 'gif.png', 'huge.png']);
    for (const s of skipped) {
      assert.ok(s.reason.startsWith(`${s.file}: `), s.reason);
      assert.match(s.reason, /^[^\n]+\.$/);
    }
    assert.match(skipped[2]!.reason, /looks like GIF/);
    assert.match(skipped[3]!.reason, /over the limit/);
    assert.equal(progress.length, 8);
    assert.deepEqual(progress.at(-1), { done: 8, total: 8, file: 'link.png' });
    const t = images.batch([0, 3]);
    assert.deepEqual([...new Set(await t.data())], [1]);
    t.dispose();
  });

  void it('honours maxPixels', async () => {
    const { files, skipped } = await loadImageFolder(dir, { size: 4, maxPixels: 100 });
    assert.deepEqual(files, ['a.png', 'link.png']);
    assert.ok(skipped.some((s) => s.file === 'b/d.jpeg' && /over the limit of 100/.test(s.reason)));
  });

  void it('stops when aborted, before or during loading', async () => {
    await assert.rejects(loadImageFolder(dir, { size: 4, signal: AbortSignal.abort() }), { name: 'AbortError' });
    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(
      loadImageFolder(dir, {
        size: 4,
        signal: controller.signal,
        onProgress: () => {
          seen += 1;
          if (seen === 2) controller.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.equal(seen, 2);
  });

  void it('fails clearly when the folder does not exist', async () => {
    await assert.rejects(loadImageFolder(path.join(dir, 'missing'), { size: 4 }), { code: 'ENOENT' });
  });
});
