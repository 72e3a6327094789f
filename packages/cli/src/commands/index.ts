import type { CommandSpec } from '../command.js';
import { trainCommand } from './train.js';
import { translateCommand } from './translate.js';
import { serveCommand } from './serve.js';
import { adaptCommand } from './adapt.js';
import { publishCommand } from './publish.js';
import { regressCommand } from './regress.js';
import { publishFacesCommand } from './publish-faces.js';
import { benchFacesCommand } from './bench-faces.js';
import { demoCommand } from './demo.js';
import { benchDigitsCommand } from './bench-digits.js';
import { deadLettersCommand } from './dead-letters.js';
import { exportCommand } from './export.js';
import { modelsCommand } from './models.js';
import { reportCommand } from './report.js';
import { renderFacesCommand } from './render-faces.js';

/** Every `sim2real` subcommand, in the order `--help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [trainCommand, translateCommand, serveCommand, adaptCommand, publishCommand, regressCommand, publishFacesCommand, benchFacesCommand, benchDigitsCommand, demoCommand, exportCommand, modelsCommand, reportCommand, renderFacesCommand, deadLettersCommand];
