import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ClientConfigError, TRANSLATOR_ACCESS_SETTINGS, readTranslatorAccess, translatorAccessFromEnv } from '../src/index.js';

let dir: string;
const file = (name: string): string => path.join(dir, name);

void before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sim2real-client-access-'));
  await writeFile(file('ca.pem'), 'CA PEM');
  await writeFile(file('client.pem'), 'CLIENT PEM');
  await writeFile(file('client.key'), 'CLIENT KEY');
  await writeFile(file('token'), '  from-file\n');
  await writeFile(file('empty'), '\n');
});

void after(() => rm(dir, { recursive: true, force: true }));

void test('the settings name one flag and one variable each; the environment is read through them', () => {
  assert.deepEqual(TRANSLATOR_ACCESS_SETTINGS.map((s) => [s.flag, s.env]), [
    ['translator-ca', 'SIM2REAL_TRANSLATOR_CA'],
    ['translator-cert', 'SIM2REAL_TRANSLATOR_CERT'],
    ['translator-key', 'SIM2REAL_TRANSLATOR_KEY'],
    ['token-file', 'SIM2REAL_TOKEN_FILE'],
  ]);
  assert.deepEqual(translatorAccessFromEnv({ SIM2REAL_TRANSLATOR_CA: '/ca.pem', SIM2REAL_TRANSLATOR_CERT: '', SIM2REAL_TOKEN: 't' }), { caFile: '/ca.pem', token: 't' });
});

void test('files are read into the client options; a token file wins over the token itself', async () => {
  const access = await readTranslatorAccess({ caFile: file('ca.pem'), certFile: file('client.pem'), keyFile: file('client.key'), tokenFile: file('token'), token: 'from-env' });
  assert.deepEqual(access, { tls: { ca: Buffer.from('CA PEM'), cert: Buffer.from('CLIENT PEM'), key: Buffer.from('CLIENT KEY') }, token: 'from-file' });
  assert.deepEqual(await readTranslatorAccess({ token: 'from-env' }), { tls: undefined, token: 'from-env' });
  assert.deepEqual(await readTranslatorAccess({}), { tls: undefined, token: undefined });
});

void test('settings that cannot work are refused with the flag named', async () => {
  const refused = async (files: Parameters<typeof readTranslatorAccess>[0], field: string, message: RegExp): Promise<void> => {
    await assert.rejects(readTranslatorAccess(files), (e: unknown) => e instanceof ClientConfigError && e.field === field && message.test(e.message));
  };
  await refused({ caFile: file('ca.pem'), certFile: file('client.pem') }, 'translator-key', /--translator-cert and --translator-key go together/);
  await refused({ certFile: file('client.pem'), keyFile: file('client.key') }, 'translator-ca', /needs --translator-ca/);
  await refused({ caFile: file('missing.pem') }, 'translator-ca', /--translator-ca \(SIM2REAL_TRANSLATOR_CA\) .*missing\.pem cannot be read \(ENOENT\)/);
  await refused({ tokenFile: file('empty') }, 'token-file', /--token-file \(SIM2REAL_TOKEN_FILE\) .*empty is empty/);
});
