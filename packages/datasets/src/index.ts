export { DatasetOptionError, LabelledFolderError } from './errors.js';
export { readLabelledFolder } from './labelled-folder.js';
export type { LabelledSample, ReadLabelledFolderOptions, SampleLabel } from './labelled-folder.js';
export { MNIST_DATASETS, MNIST_SIDE, digitSplits, loadMnistDigits, mnistDigitCount } from './mnist.js';
export type { DigitRange, DigitSample, DigitSplitCounts, LoadMnistOptions, MnistDataset } from './mnist.js';
export { makeMnistM } from './mnist-m.js';
export type { MnistMOptions } from './mnist-m.js';
export { trainDigitClassifier } from './digit-classifier.js';
export type { DigitClassifier, DigitClassifierOptions } from './digit-classifier.js';
