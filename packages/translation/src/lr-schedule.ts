/**
 * Learning rate at 0-based step `stepInStage` of a stage of `stageSteps` steps: constant, then linear decay
 * to 0 over the part after `decayStartFraction` (the paper: 5k constant, then linear decay over 5k).
 */
export function learningRateAt(baseRate: number, stepInStage: number, stageSteps: number, decayStartFraction: number): number {
  const decayStart = Math.floor(stageSteps * decayStartFraction);
  if (stepInStage < decayStart) return baseRate;
  const decaySteps = stageSteps - decayStart;
  if (decaySteps <= 0) return baseRate;
  return baseRate * Math.max(0, (stageSteps - stepInStage) / (decaySteps + 1));
}
