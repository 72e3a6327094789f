import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, resolveTranslationConfig, stagePlan } from '../src/index.js';

void test('defaults follow the paper', () => {
  const c = resolveTranslationConfig();
  assert.equal(c.generatorWidth, 64);
  assert.equal(c.residualBlocks, 9);
  assert.equal(c.dilation, 2);
  assert.deepEqual(c.perceptualLayers, ['block1_conv1', 'block1_conv2', 'block2_conv1']);
  assert.deepEqual(c.perceptualWeights, [1 / 32, 1 / 16, 1 / 8]);
  assert.equal(c.learningRate, 2e-4);
  assert.equal(c.adamBeta1, 0.5);
  assert.equal(c.historyPoolSize, 50);
  assert.equal(c.adversarialLoss, 'paper');
  assert.equal(c.selfRegularisationPolarity, 'same');
  assert.deepEqual(
    stagePlan(c).map((s) => s.steps),
    [800, 600, 600],
  );
});

void test('no attention gives one G0 stage with every step', () => {
  assert.deepEqual(stagePlan(resolveTranslationConfig({ attention: false, steps: 7 })), [{ stage: 'g0', steps: 7 }]);
});

void test('invalid options are rejected with one sentence naming the field', () => {
  const cases: [Parameters<typeof resolveTranslationConfig>[0], string][] = [
    [{ imageSize: 18 }, 'imageSize'],
    [{ imageSize: 4 }, 'imageSize'],
    [{ generatorWidth: 0 }, 'generatorWidth'],
    [{ residualBlocks: 1.5 }, 'residualBlocks'],
    [{ learningRate: -1 }, 'learningRate'],
    [{ adversarialLoss: 'wgan' as never }, 'adversarialLoss'],
    [{ upsampling: 'bilinear' as never }, 'upsampling'],
    [{ discriminatorAugment: ['flip' as never] }, 'discriminatorAugment'],
    [{ selfRegularisationPolarity: 'inverted' as never }, 'selfRegularisationPolarity'],
    [{ perceptualLayers: ['block4_conv1' as never] }, 'perceptualLayers'],
    [{ perceptualWeights: [1, 2] }, 'perceptualWeights'],
    [{ stageSplit: { g0: 0.5, attention: 0.5, joint: 0.5 } }, 'stageSplit'],
    [{ steps: 2 }, 'steps'],
    [{ lambda: { step: 0 } }, 'lambda.step'],
    [{ lambda: { intervalSteps: 0 } }, 'lambda.intervalSteps'],
    [{ diversityWeight: 1, batchSize: 2 }, 'diversityWeight'],
    [{ diversityWeight: 1, noiseSize: 2, batchSize: 3 }, 'batchSize'],
    [{ diversityCap: 0 }, 'diversityCap'],
    [{ attentionInitialMask: 1 }, 'attentionInitialMask'],
  ];
  for (const [options, field] of cases) {
    assert.throws(
      () => resolveTranslationConfig(options),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, `expected ConfigError for ${field}`);
        assert.equal(error.field, field);
        assert.match(error.message, /^[^.]+\.$|^[^\n]+\.$/);
        assert.ok(error.message.includes(field.split('.')[0]!));
        return true;
      },
    );
  }
});

void test('custom perceptual layers get weight 1 each unless weights are given', () => {
  const c = resolveTranslationConfig({ perceptualLayers: ['block1_conv1', 'block3_conv3'] });
  assert.deepEqual(c.perceptualWeights, [1, 1]);
});
