/** One line of a chart. */
export interface ChartSeries {
  name: string;
  /** CSS colour. */
  color: string;
  /** (x, y) points in x order. */
  points: readonly (readonly [number, number])[];
}

/** A labelled vertical marker (a stage start). */
export interface ChartMarker {
  x: number;
  label: string;
}

/** What `lineChart` draws. */
export interface ChartOptions {
  title: string;
  series: readonly ChartSeries[];
  /** Right end of the x axis (e.g. the configured total steps), so a running job's curve grows into it. */
  xMax: number;
  markers?: readonly ChartMarker[];
  /** @default 360 */
  widthPx?: number;
  /** @default 180 */
  heightPx?: number;
}

const MARGIN = { left: 56, right: 10, top: 22, bottom: 26 };

/** Escapes text for HTML and SVG element content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A short number for axis ticks and captions (4 significant digits, exponent form far from 1). */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/**
 * A line chart as an inline SVG element (no script, no external resource). The y axis is linear, or logarithmic
 * when every value is positive and they span more than three decades (e.g. a perceptual loss next to its start).
 */
export function lineChart(options: ChartOptions): string {
  const width = options.widthPx ?? 360;
  const height = options.heightPx ?? 180;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const values = options.series.flatMap((s) => s.points.map(([, y]) => y));
  const title = `<text x="${MARGIN.left}" y="14" class="chart-title">${escapeXml(options.title)}</text>`;
  const frame = `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" class="chart-frame"/>`;
  const open = `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(options.title)}">`;
  if (values.length === 0) {
    return `${open}${title}${frame}<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle" class="chart-empty">no points yet</text></svg>`;
  }
  let low = Math.min(...values);
  let high = Math.max(...values);
  const logScale = low > 0 && high / low > 1000;
  if (logScale) {
    low = Math.log10(low);
    high = Math.log10(high);
  }
  if (high === low) {
    high += 0.5;
    low -= 0.5;
  }
  const xMax = Math.max(1, options.xMax, ...options.series.flatMap((s) => s.points.map(([x]) => x)));
  const px = (x: number): number => MARGIN.left + (x / xMax) * plotW;
  const py = (y: number): number => MARGIN.top + plotH - (((logScale ? Math.log10(y) : y) - low) / (high - low)) * plotH;
  const fmt = (n: number): string => n.toFixed(1);

  const parts: string[] = [open, title, frame];
  for (const fraction of [0, 0.5, 1]) {
    const raw = low + fraction * (high - low);
    const label = formatNumber(logScale ? 10 ** raw : raw);
    const y = MARGIN.top + plotH - fraction * plotH;
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${fmt(y)}" y2="${fmt(y)}" class="chart-grid"/>`);
    parts.push(`<text x="${MARGIN.left - 4}" y="${fmt(y + 4)}" text-anchor="end" class="chart-tick">${label}</text>`);
  }
  parts.push(`<text x="${MARGIN.left}" y="${height - 8}" class="chart-tick">0</text>`);
  parts.push(`<text x="${MARGIN.left + plotW}" y="${height - 8}" text-anchor="end" class="chart-tick">${xMax} steps${logScale ? ' · log y' : ''}</text>`);
  for (const marker of options.markers ?? []) {
    const x = fmt(px(marker.x));
    parts.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" class="chart-marker"/>`);
    parts.push(`<text x="${fmt(px(marker.x) + 3)}" y="${MARGIN.top + 10}" class="chart-marker-label">${escapeXml(marker.label)}</text>`);
  }
  for (const series of options.series) {
    if (series.points.length === 0) continue;
    const path = series.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${fmt(px(x))},${fmt(py(y))}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${escapeXml(series.color)}" stroke-width="1.5" data-series="${escapeXml(series.name)}" data-points="${series.points.length}"/>`);
    if (series.points.length === 1) {
      const [[x, y]] = series.points as [readonly [number, number]];
      parts.push(`<circle cx="${fmt(px(x))}" cy="${fmt(py(y))}" r="2.5" fill="${escapeXml(series.color)}"/>`);
    }
  }
  if (options.series.length > 1) {
    let x = MARGIN.left + plotW;
    for (const series of [...options.series].reverse()) {
      x -= 8 + series.name.length * 6.5;
      parts.push(`<text x="${fmt(x)}" y="14" fill="${escapeXml(series.color)}" class="chart-legend">${escapeXml(series.name)}</text>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}
