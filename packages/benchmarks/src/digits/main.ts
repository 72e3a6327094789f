/** `npm run bench:digits -- [options]` (`--help` lists them). */
import { processIo, runScript } from '../script.js';
import { DIGITS_SCRIPT } from './config.js';
import { runDigitsBenchmark } from './run.js';

process.exitCode = await runScript(DIGITS_SCRIPT, process.argv.slice(2), processIo(), runDigitsBenchmark);
