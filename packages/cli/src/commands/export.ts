import { exportOnnx } from '@sim2real/onnx-export';
import { initBackend } from '@sim2real/tensor';
import type { CommandContext, CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';

export const exportCommand: CommandSpec = defineCommand({
  name: 'export',
  synopsis: '--model MODEL_DIR',
  description: `Writes MODEL_DIR/model.onnx, the version's translator as one ONNX graph (opset 17), and records its
SHA-256 in MODEL_DIR/sim2real-model.json. Inputs: image [batch, size, size, 3] in [-1, 1] (NHWC),
plus noise [batch, noiseSize] where the model has a noise input. Outputs: G (the translation), A (the
attention mask, all ones without attention) and G0 (the vanilla generator's output). 'translate' and
'serve' then run the version on onnxruntime-node. 'train' exports by itself when it finishes; run this
for versions trained before, or after copying a checkpoint in. A layer without an ONNX mapping is an
error that names it, and nothing is written.`,
  flags: {
    model: { kind: 'string', value: 'MODEL_DIR', help: "a version folder written by 'sim2real train'", required: true },
  },
  epilogue: `Example:
  sim2real export --model models/faces/20261201T120000Z`,
  run: async ({ model }, _positionals, ctx) => {
    await initBackend({ backend: 'cpu' });
    await writeExport(model, ctx);
    return 0;
  },
});

/** Exports `modelDir` and says so on stdout. */
async function writeExport(modelDir: string, ctx: CommandContext): Promise<void> {
  const { path, bytes, record } = await exportOnnx(modelDir);
  ctx.stdout.write(`ONNX export written to ${path} (${(bytes / 1e6).toFixed(2)} MB, sha256 ${record.sha256}, checkpoint ${record.checkpoint})\n`);
}

/**
 * `train`'s last step: exports the version it finished. A failed export is a warning, not a failed training: the
 * version is complete and serves on tfjs, and the warning says how to retry.
 */
export async function exportAfterTraining(modelDir: string, ctx: CommandContext): Promise<void> {
  try {
    await writeExport(modelDir, ctx);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.stderr.write(`warning: the model serves on tfjs only, its ONNX export failed: ${reason} (retry: sim2real export --model ${modelDir})\n`);
  }
}
