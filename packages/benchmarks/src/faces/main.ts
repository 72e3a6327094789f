/** `npm run bench:faces -- --out DIR [options]` (`--help` lists them). */
import { processIo, runScript } from '../script.js';
import { FACES_SCRIPT } from './config.js';
import { runFacesBenchmark } from './run.js';

process.exitCode = await runScript(FACES_SCRIPT, process.argv.slice(2), processIo(), runFacesBenchmark);
