import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError, defineFlags, flagHelpLines, flagValues, parseFlags, scriptHelp } from '../src/index.js';

const FLAGS = defineFlags({
  model: { kind: 'string', value: 'DIR', help: 'a model folder', required: true },
  batch: { kind: 'integer', help: 'images per pass', default: 16, min: 1, max: 1024 },
  threads: { kind: 'integer', help: 'threads', env: 'TEST_THREADS', defaultText: 'the cores', min: 1 },
  scale: { kind: 'number', help: 'a factor', min: 0 },
  engine: { kind: 'string', value: 'NAME', help: 'which engine', choices: ['auto', 'onnx', 'tfjs'], default: 'auto' },
  quick: { kind: 'boolean', help: 'a smoke run', env: 'TEST_QUICK' },
  name: { kind: 'string', help: 'a name', pattern: { regex: /^[a-z]+$/, description: 'lower-case letters' } },
});

test('values come typed from flags, then the environment, then defaults', () => {
  const { values, positionals } = parseFlags(FLAGS, ['--model', 'm', '--scale', '0.5', 'extra'], { TEST_THREADS: '3' });
  // Typed: no undefined where a default or `required` guarantees a value.
  const model: string = values.model;
  const batch: number = values.batch;
  const engine: 'auto' | 'onnx' | 'tfjs' = values.engine;
  const threads: number | undefined = values.threads;
  // @ts-expect-error a flag with neither a default nor `required` may be undefined
  const unchecked: number = values.scale;
  assert.deepEqual({ model, batch, engine, threads, scale: unchecked, quick: values.quick }, { model: 'm', batch: 16, engine: 'auto', threads: 3, scale: 0.5, quick: false });
  assert.deepEqual(positionals, ['extra']);
  assert.equal(parseFlags(FLAGS, ['--model', 'm'], { TEST_QUICK: '1' }).values.quick, true);
  assert.equal(parseFlags(FLAGS, ['--model', 'm', '--threads', '5'], { TEST_THREADS: '3' }).values.threads, 5, 'the flag wins over the environment');
});

test('each bad value is one sentence naming the flag or its variable', () => {
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [[], {}, /^--model is required\.$/],
    [['--model', 'm', '--batch', '0'], {}, /^--batch must be an integer from 1 to 1024, got "0"\.$/],
    [['--model', 'm', '--batch', '2.5'], {}, /^--batch must be an integer/],
    [['--model', 'm', '--batch', ''], {}, /^--batch must be an integer/],
    [['--model', 'm'], { TEST_THREADS: 'many' }, /^TEST_THREADS \(for --threads\) must be an integer from 1 to/],
    [['--model', 'm', '--scale=-1'], {}, /^--scale must be a number from 0 to Infinity, got "-1"\.$/],
    [['--model', 'm', '--engine', 'gpu'], {}, /^--engine must be one of auto, onnx, tfjs, got "gpu"\.$/],
    [['--model', 'm', '--frob'], {}, /Unknown option '--frob'/],
    [['--model', 'm', '--name', 'a.b'], {}, /^--name must be lower-case letters, got "a\.b"\.$/],
  ];
  for (const [args, env, message] of cases) {
    assert.throws(() => parseFlags(FLAGS, args, env), (error: unknown) => error instanceof FlagError && message.test(error.message), args.join(' '));
  }
});

test('help lines come from the same table: value, choices, required, default, variable', () => {
  assert.deepEqual(flagHelpLines(FLAGS), [
    '  --model DIR             a model folder (required)',
    '  --batch N               images per pass [default: 16]',
    '  --threads N             threads [default: the cores] [env TEST_THREADS]',
    '  --scale N               a factor',
    '  --engine NAME           which engine (auto | onnx | tfjs) [default: auto]',
    '  --quick                 a smoke run [env TEST_QUICK]',
    '  --name VALUE            a name',
  ]);
});

test('long help lines wrap under the help column', () => {
  const help = 'word '.repeat(40).trim();
  const [line] = flagHelpLines(defineFlags({ long: { kind: 'boolean', help, env: 'A_VARIABLE' } }));
  assert.match(line!, /\[env A_VARIABLE\]$/, 'a note is never broken');
  const rows = line!.split('\n');
  assert.ok(rows.length > 1 && rows.every((row) => row.length <= 110), line);
  assert.ok(rows.slice(1).every((row) => row.startsWith(`${' '.repeat(26)}word`)));
  assert.equal(rows.join(' ').trim().split(/\s+/).join(' '), `--long ${help} [env A_VARIABLE]`);
});

test('lists: comma-separated items, typed, each checked', () => {
  const LISTS = defineFlags({
    engines: { kind: 'string-list', help: 'engines', choices: ['onnx', 'tfjs'], default: ['onnx', 'tfjs'] },
    threads: { kind: 'integer-list', help: 'thread counts', min: 1, max: 8 },
  });
  const { values } = parseFlags(LISTS, ['--threads', '1,2']);
  const engines: ('onnx' | 'tfjs')[] = values.engines;
  assert.deepEqual({ engines, threads: values.threads }, { engines: ['onnx', 'tfjs'], threads: [1, 2] });
  assert.throws(() => parseFlags(LISTS, ['--engines', 'onnx,gpu']), /^FlagError: --engines takes onnx, tfjs separated by commas, got "gpu"\.$/);
  assert.throws(() => parseFlags(LISTS, ['--threads', '1,9']), /--threads must be integers from 1 to 8 separated by commas, got "1,9"\./);
  assert.throws(() => parseFlags(LISTS, ['--threads', '1,,2']), /without empty items/);
  assert.deepEqual(flagHelpLines(LISTS), ['  --engines A,B           engines (onnx | tfjs) [default: onnx,tfjs]', '  --threads N,M           thread counts']);
});

test('a script\'s help: usage, description, the flags and --help', () => {
  const help = scriptHelp({ usage: 'npm run bench:x -- [options]', description: 'Measures x.', flags: defineFlags({ quick: { kind: 'boolean', help: 'a smoke run' } }) });
  assert.equal(help, 'Usage: npm run bench:x -- [options]\n\nMeasures x.\n\nOptions:\n  --quick                 a smoke run\n  --help                  print this text and exit\n');
});

test('a repeatable flag: every value in order, typed as a list, required means at least one', () => {
  const ROUTES = defineFlags({
    route: { kind: 'repeatable-string', value: 'A=B', help: 'a route', required: true },
    tag: { kind: 'repeatable-string', help: 'a tag' },
  });
  const { values } = parseFlags(ROUTES, ['--route', 'a=1', '--tag', 't', '--route', 'b=2']);
  const routes: string[] = values.route;
  assert.deepEqual({ routes, tags: values.tag }, { routes: ['a=1', 'b=2'], tags: ['t'] });
  assert.deepEqual(parseFlags(ROUTES, ['--route', 'a=1']).values.tag, [], 'absent: no values');
  assert.deepEqual(flagValues(ROUTES, { route: 'a=1' }).route, ['a=1'], 'one value given as a string');
  assert.throws(() => parseFlags(ROUTES, ['--tag', 't']), /^FlagError: --route is required \(at least one\)\.$/);
  assert.deepEqual(flagHelpLines(ROUTES), ['  --route A=B             a route (repeatable, at least one)', '  --tag VALUE             a tag (repeatable)']);
});
