import { pathToFileURL } from 'node:url';
import { writeTrainingReport } from '@sim2real/report';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { UsageError } from '../errors.js';

export const reportCommand: CommandSpec = defineCommand({
  name: 'report',
  synopsis: 'MODEL_DIR',
  description: `Rebuilds MODEL_DIR/report.html from MODEL_DIR/train-log.jsonl, MODEL_DIR/samples and the model manifest:
the configuration, the stage timeline, loss and λ curves, and captioned sample grids
(input | G0 | attention as a heat overlay on the input | output). The page is self-contained
(inline SVG and images, nothing fetched), so it opens from disk. \`train\` keeps it current during a run;
use this command for a folder trained before reports existed, or after editing samples.`,
  flags: {},
  epilogue: `Exit codes: 0 written; 1 the folder holds no training log; 2 bad usage.

Example:
  sim2real report models/faces/v1 && xdg-open models/faces/v1/report.html`,
  run: runReport,
});

async function runReport(_flags: object, positionals: string[], ctx: CommandContext): Promise<number> {
  const [modelDir, ...extra] = positionals;
  if (modelDir === undefined) throw new UsageError('MODEL_DIR is required: the folder `sim2real train --out` wrote.', reportCommand.name);
  if (extra.length > 0) throw new UsageError(`give one MODEL_DIR, got ${positionals.length}.`, reportCommand.name);
  const path = await writeTrainingReport({ modelDir });
  ctx.stdout.write(`report written to ${path} (${pathToFileURL(path).href})\n`);
  return 0;
}
