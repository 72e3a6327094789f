import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { defineFlags } from '@sim2real/flags';
import type { FlagValues } from '@sim2real/flags';
import { listDeadLetters, replayDeadLetters, type DeadLetterFilter, type DeadLetterRecord } from '@sim2real/messaging';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { UsageError } from '../errors.js';
import { DATASET_FLAGS, NATS_FLAGS, connectCommandNats } from '../options.js';

const UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO time or a duration back from `now`. Throws UsageError. */
export function parseSince(text: string, now: Date = new Date()): Date {
  const duration = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text);
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNITS_MS[duration[2]!]!);
  const time = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(time.getTime())) {
    throw new UsageError(`--since must be an ISO time (2026-12-07T10:00:00Z) or a duration such as 30m, 2h or 7d, got "${text}".`, 'dead-letters');
  }
  return time;
}

function table(records: readonly DeadLetterRecord[]): string {
  const rows = records.map((r) => [String(r.sequence), r.deadAt.toISOString(), r.batchId || '(undecodable)', String(r.samples), r.kind || '-', r.reason]);
  const head = ['seq', 'dead at', 'batch', 'samples', 'kind', 'reason'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 5 ? 0 : r[i]!.length))));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 5 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

const DEAD_LETTERS_FLAGS = defineFlags({
  ...DATASET_FLAGS,
  reason: {
    kind: 'string',
    value: 'R',
    help: 'only batches whose kind is R (undecodable, invalid, dataset, refused, too_large, max_deliveries) or whose reason contains R',
  },
  since: { kind: 'string', value: 'T', help: 'only batches dead-lettered at or after T: an ISO time (2026-12-07T10:00:00Z) or a duration back from now (90s, 30m, 2h, 7d)' },
  json: { kind: 'boolean', help: 'one JSON line per batch instead of a table' },
  ...NATS_FLAGS,
});

export const deadLettersCommand: CommandSpec = defineCommand({
  name: 'dead-letters',
  synopsis: 'list|replay --dataset NAME [--reason R] [--since T] [--json]',
  description: `Shows the batches of sim2real.batches.dead.<NAME> with why they died (list), or sends them
back to sim2real.batches.synthetic.<NAME> after a fix (replay). A replayed batch keeps its
payload, batch id and trace headers, is removed from the dead stream once the synthetic stream
has stored it, and is adapted once (the adapted message id is dataset:batch id).`,
  flags: DEAD_LETTERS_FLAGS,
  epilogue: `Examples:
  sim2real dead-letters list --dataset faces --since 2h
  sim2real dead-letters replay --dataset faces --reason refused`,
  run: runDeadLetters,
});

async function runDeadLetters(flags: FlagValues<typeof DEAD_LETTERS_FLAGS>, positionals: string[], ctx: CommandContext): Promise<number> {
  const action = positionals[0];
  if (action !== 'list' && action !== 'replay') throw new UsageError(`Say what to do: "list" or "replay" (got "${action ?? ''}").`, 'dead-letters');
  if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}".`, 'dead-letters');
  const { dataset, reason, since, json } = flags;
  const filter: DeadLetterFilter = { dataset, reason, since: since === undefined ? undefined : parseSince(since), signal: ctx.signal };
  const nc = await connectCommandNats(flags, 'dead-letters', 'sim2real-dead-letters');
  try {
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    const print = (record: DeadLetterRecord, extra: Record<string, unknown> = {}): void => {
      ctx.stdout.write(`${JSON.stringify({ ...record, deadAt: record.deadAt.toISOString(), ...extra })}\n`);
    };
    if (action === 'list') {
      const records = await listDeadLetters(js, jsm, filter);
      if (json) for (const record of records) print(record);
      else ctx.stdout.write(records.length === 0 ? `No dead batches for dataset "${dataset}" match.\n` : `${table(records)}\n${records.length} dead batch(es).\n`);
      return 0;
    }
    const replayed = await replayDeadLetters(js, jsm, filter, ({ record, syntheticSequence }) => {
      if (json) print(record, { replayedAs: syntheticSequence });
      else ctx.stderr.write(`replayed ${record.batchId || `dead #${record.sequence}`} (${record.kind || 'unknown kind'}) → synthetic #${syntheticSequence}\n`);
    });
    if (!json) ctx.stdout.write(`${replayed.length} dead batch(es) replayed into sim2real.batches.synthetic.${dataset}.\n`);
    return 0;
  } finally {
    await nc.drain().catch(() => nc.close());
  }
}
