// Placeholder entry point: the backend helper replaces this with backend selection and gap kernels.
import * as tf from '@tensorflow/tfjs';

export { tf };
