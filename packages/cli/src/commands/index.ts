import type { CommandEntry } from '../command.js';

/** Every `sim2real` subcommand, in the order `--help` lists them; each module loads only when its command runs. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'train', summary: 'train a sim→real generator on two image folders', load: async () => (await import('./train.js')).trainCommand },
  { name: 'translate', summary: 'translate a folder of images with a trained model', load: async () => (await import('./translate.js')).translateCommand },
  { name: 'serve', summary: 'run the translator gRPC server (translate, train, model registry)', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'adapt', summary: 'run the dataset adapter (synthetic batches in, real-looking batches out)', load: async () => (await import('./adapt.js')).adaptCommand },
  { name: 'publish', summary: 'publish a labelled image folder to NATS as synthetic batches', load: async () => (await import('./publish.js')).publishCommand },
  { name: 'regress', summary: '3DMM regression consumer: train online from face batches, report test MSE', load: async () => (await import('./regress.js')).regressCommand },
  { name: 'publish faces', summary: 'render synthetic faces and publish them to NATS with their 3DMM labels', load: async () => (await import('./publish-faces.js')).publishFacesCommand },
  { name: 'demo', summary: 'the whole pipeline on embedded defaults: faces → adapter → regressors, MSE table', load: async () => (await import('./demo.js')).demoCommand },
  { name: 'export', summary: 'write model.onnx into a model version folder (for onnxruntime-node)', load: async () => (await import('./export.js')).exportCommand },
  { name: 'models', summary: 'list, promote, alias and delete model versions (a registry folder or a server)', load: async () => (await import('./models.js')).modelsCommand },
  { name: 'report', summary: 'rebuild a model folder\'s training report (report.html)', load: async () => (await import('./report.js')).reportCommand },
  { name: 'render faces', summary: 'render synthetic faces (sim or real style) into a labelled folder', load: async () => (await import('./render-faces.js')).renderFacesCommand },
  { name: 'dead-letters', summary: 'list the batches in the dead stream with their reasons, or replay them after a fix', load: async () => (await import('./dead-letters.js')).deadLettersCommand },
];
