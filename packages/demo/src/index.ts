export { DEMO_DESCRIPTION, DEMO_EPILOGUE, runDemoCommand } from './command.js';
export { DEMO_FLAGS, demoConfig } from './config.js';
export type { DemoConfig, DemoFlags } from './config.js';
export { STAGES, runDemo } from './run.js';
export type { DemoIo, DemoResult } from './run.js';
export { parseChildEvent } from './child-events.js';
export type { ChildEvent } from './child-events.js';
