#!/usr/bin/env node
// A worker process of the digits benchmark; the packages are TypeScript, run through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/digits/worker.ts');
