export { DEMO_DESCRIPTION, DEMO_EPILOGUE, runDemoCommand } from './command.js';
export { DEMO_FLAGS, demoConfig } from './config.js';
export type { DemoConfig, DemoFlags } from './config.js';
export { runDemo } from './run.js';
export type { DemoResult } from './run.js';
export { STAGES } from './run-context.js';
export type { DemoIo } from './run-context.js';
export { parseChildEvent } from './child-events.js';
export type { ChildEvent } from './child-events.js';
