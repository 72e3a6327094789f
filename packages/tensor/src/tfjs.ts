// The one place that imports TensorFlow.js: `@tensorflow/tfjs` registers the gradients, tfjs-core alone does not.
import * as tf from '@tensorflow/tfjs';

export { tf };
