#!/usr/bin/env node
// The packages are TypeScript "just-in-time" packages: tsx's loader runs them without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
