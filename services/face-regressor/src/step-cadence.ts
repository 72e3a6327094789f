/** "Every N steps, and once more at the end": when an evaluation or a checkpoint is due. */
export class StepCadence {
  private lastStep: number;

  /** `everySteps`: steps between two runs; `startStep`: the step already covered (a resumed run's step). */
  constructor(
    private readonly everySteps: number,
    startStep: number,
  ) {
    this.lastStep = startStep;
  }

  /** Whether to run at `step`: something happened since the last run, and `everySteps` passed or `force`. */
  due(step: number, force: boolean): boolean {
    return step !== this.lastStep && (force || step - this.lastStep >= this.everySteps);
  }

  /** Records a run at `step`. */
  ran(step: number): void {
    this.lastStep = step;
  }
}
