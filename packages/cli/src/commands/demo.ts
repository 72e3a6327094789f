import { fileURLToPath } from 'node:url';
import { DEMO_DESCRIPTION, DEMO_EPILOGUE, DEMO_FLAGS, runDemoCommand } from '@sim2real/demo';
import { FlagError } from '@sim2real/flags';
import type { CommandSpec } from '../command.js';
import { defineCommand } from '../define-command.js';
import { UsageError } from '../errors.js';

/** This executable, which the demo's children run (`sim2real serve`, `adapt`, `regress`, `publish faces`). */
const SIM2REAL_BIN = fileURLToPath(new URL('../../bin/sim2real.js', import.meta.url));

/** `sim2real demo`: the command line of `@sim2real/demo`, which this module loads only when the command runs. */
export const demoCommand: CommandSpec = defineCommand({
  name: 'demo',
  synopsis: '[--quick] [options]',
  description: DEMO_DESCRIPTION,
  flags: DEMO_FLAGS,
  epilogue: DEMO_EPILOGUE,
  run: async (flags, _positionals, ctx) => {
    try {
      return await runDemoCommand(flags, { ...ctx, sim2realBin: SIM2REAL_BIN });
    } catch (error) {
      if (error instanceof FlagError) throw new UsageError(error.message, 'demo');
      throw error;
    }
  },
});
