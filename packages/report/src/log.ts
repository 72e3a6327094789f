/** One `step` line of train-log.jsonl (written every logEverySteps, every sample step and at the last step). */
export interface StepEntry {
  step: number;
  stage: string;
  lambda: number;
  learningRate?: number;
  losses: Record<string, number>;
  time: string;
}

/** One `stage` line: the stage that starts after `step` steps, and how many steps it has. */
export interface StageEntry {
  stage: string;
  step: number;
  stageSteps: number;
  time: string;
}

/** What a training log says, in order. */
export interface TrainingLog {
  steps: StepEntry[];
  stages: StageEntry[];
  warnings: string[];
  /** The `done` line was written: the run finished. */
  done: boolean;
  /** Time of the first and the last line (ISO), for durations. */
  firstTime: string | undefined;
  lastTime: string | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/**
 * Parses train-log.jsonl text. Lines that do not parse (a line being written while the report is built) and events
 * this report does not show are skipped, so a log of a running job reads as far as it goes.
 */
export function parseTrainingLog(text: string): TrainingLog {
  const log: TrainingLog = { steps: [], stages: [], warnings: [], done: false, firstTime: undefined, lastTime: undefined };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isRecord(entry)) continue;
    const time = typeof entry.time === 'string' ? entry.time : '';
    if (time) {
      log.firstTime ??= time;
      log.lastTime = time;
    }
    const step = num(entry.step);
    const stage = typeof entry.stage === 'string' ? entry.stage : '';
    switch (entry.event) {
      case 'step': {
        if (step === undefined) break;
        const losses: Record<string, number> = {};
        if (isRecord(entry.losses)) {
          for (const [key, value] of Object.entries(entry.losses)) {
            const n = num(value);
            if (n !== undefined) losses[key] = n;
          }
        }
        log.steps.push({ step, stage, lambda: num(entry.lambda) ?? 0, learningRate: num(entry.learningRate), losses, time });
        break;
      }
      case 'stage':
        if (step !== undefined) log.stages.push({ stage, step, stageSteps: num(entry.stageSteps) ?? 0, time });
        break;
      case 'warning':
        if (typeof entry.message === 'string') log.warnings.push(entry.message);
        break;
      case 'done':
        log.done = true;
        break;
    }
  }
  return log;
}

/** The stage that step `step` (1-based) belonged to, from the stage lines; '' when the log does not say. */
export function stageAt(log: TrainingLog, step: number): string {
  let current = '';
  for (const entry of log.stages) if (entry.step < step) current = entry.stage;
  return current;
}
