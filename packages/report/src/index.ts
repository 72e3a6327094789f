export { REPORT_FILE, renderTrainingReport, writeTrainingReport } from './report.js';
export type { ReportOptions } from './report.js';
export { ReportError } from './errors.js';
export { parseTrainingLog, stageAt } from './log.js';
export type { StageEntry, StepEntry, TrainingLog } from './log.js';
export { splitSampleGrid } from './samples.js';
export type { SampleTiles } from './samples.js';
export { escapeXml, formatNumber, lineChart } from './svg.js';
export type { ChartMarker, ChartOptions, ChartSeries } from './svg.js';
