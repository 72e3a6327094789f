import type { LambdaConfig, StageName } from './config.js';

/** Serialisable state of a LambdaSchedule (stored in checkpoints). */
export interface LambdaState {
  lambda: number;
  frozen: boolean;
  /** Adversarial losses of the interval in progress. */
  window: number[];
  /** λ after each completed interval: [global step, λ]. */
  history: [number, number][];
}

/**
 * Adaptive weight induction (paper section 2, "Adaptive weight induction").
 *
 * The paper: start with λ = 0, "gradually increase λ. This would lead to the increase of the adversarial
 * loss as the output would shift away from Y to X, which makes it easier for D to classify. We stop
 * increasing λ when the adversarial loss sinks below some threshold t_adv."
 *
 * Read literally the last sentence contradicts the one before it: raising λ makes the adversarial loss
 * rise, so a rule "stop once it is below t_adv" would either stop at once (the loss is low at λ = 0 once
 * G fools D) or never. We read "adversarial loss sinks" as the adversarial *objective* that G is winning —
 * D(G(x)), the probability that D calls G(x) real — sinking below a threshold, which is the generator's
 * loss -log D(G(x)) rising above t_adv. So t_adv is an upper bound on the generator's adversarial loss:
 * λ is the largest weight of the self-regularisation (most faithful output) under which the output still
 * passes as domain Y. Concretely, at the end of every interval of `intervalSteps` steps, with `avg` the
 * mean generator adversarial loss over that interval:
 *   - avg <= t_adv: the output still fools D well enough → λ += step (reaching `max` freezes λ);
 *   - avg >  t_adv and λ > 0: the last increase pushed the output too far towards X → λ goes back to the
 *     previous value (the last one whose interval stayed under t_adv) and is frozen;
 *   - avg >  t_adv and λ = 0: G does not yet fool D even without regularisation → wait (λ stays 0, not
 *     frozen), since λ cannot go lower and the paper lets G train adversarially first.
 * Once frozen, λ is constant for the rest of the stage.
 */
export class LambdaSchedule {
  private state: LambdaState;

  constructor(
    private readonly config: LambdaConfig,
    state?: LambdaState,
  ) {
    this.state = state ? structuredClone(state) : { lambda: 0, frozen: false, window: [], history: [] };
  }

  get lambda(): number {
    return this.state.lambda;
  }

  get frozen(): boolean {
    return this.state.frozen;
  }

  /** Records the generator adversarial loss of global step `step`; returns λ for the next step. */
  observe(adversarialLoss: number, step: number): number {
    if (this.state.frozen) return this.state.lambda;
    this.state.window.push(adversarialLoss);
    if (this.state.window.length < this.config.intervalSteps) return this.state.lambda;
    const avg = this.state.window.reduce((a, b) => a + b, 0) / this.state.window.length;
    this.state.window = [];
    const { threshold, step: increment, max } = this.config;
    if (avg <= threshold) {
      this.state.lambda = Math.min(max, this.state.lambda + increment);
      if (this.state.lambda >= max) this.state.frozen = true;
    } else if (this.state.lambda > 0) {
      this.state.lambda = Math.max(0, this.state.lambda - increment);
      this.state.frozen = true;
    }
    this.state.history.push([step, this.state.lambda]);
    return this.state.lambda;
  }

  /** Keeps λ constant from now on (the joint stage keeps the attention stage's λ). */
  freeze(): void {
    this.state.frozen = true;
  }

  snapshot(): LambdaState {
    return structuredClone(this.state);
  }
}

/**
 * λ of the joint fine-tuning stage, which the paper leaves open: the largest λ the earlier stages induced,
 * frozen. The attention stage's λ stays 0 when its composite never fooled D (G0 frozen, D already strong);
 * that means "not measured", not "no self-regularisation needed", and fine-tuning G0 at λ = 0 would undo
 * the faithfulness its own stage induced (measured on digits: the joint stage then drifted away from the
 * input's content).
 */
export function jointStageLambda(stageLambdas: Partial<Record<StageName, number>>): number {
  return Math.max(stageLambdas.g0 ?? 0, stageLambdas.attention ?? 0);
}
