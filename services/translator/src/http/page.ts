/*
 * The dashboard page: one HTML document with its CSS and script inline (no framework, no CDN, nothing to build).
 * It reads the JSON API of dashboard.ts and follows running jobs over Server-Sent Events.
 */
const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#1f2937;color:#fff;padding:12px 24px}header h1{font-size:18px;margin:0}header .meta{color:#cbd5e1;font-size:12px}
header a{color:#93c5fd}main{padding:16px 24px;display:grid;gap:16px;max-width:1280px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:12px 16px}h2{font-size:15px;margin:0 0 8px}
table{border-collapse:collapse;width:100%}td,th{padding:4px 8px;text-align:left;border-bottom:1px solid #eee;font-size:13px;vertical-align:top}
.figures{display:flex;gap:24px;flex-wrap:wrap}.figure b{display:block;font-size:20px}.figure span{color:#666;font-size:12px}
.state-complete{color:#15803d}.state-partial{color:#b45309}.muted{color:#777}.error{color:#b91c1c}
.job{border-top:1px solid #eee;padding:8px 0}.charts{display:flex;flex-wrap:wrap;gap:8px}.chart{background:#fafafa;border:1px solid #e5e7eb}
.chart text{font-size:10px;fill:#555}.grid-img{image-rendering:pixelated;width:276px;border:1px solid #ddd}
.tiles{display:flex;gap:12px;flex-wrap:wrap}.tiles figure{margin:0;text-align:center}.tiles img{width:160px;height:160px;object-fit:contain;image-rendering:pixelated;border:1px solid #ddd;background:#fff}
figcaption{font-size:12px;color:#555}button{padding:4px 12px}
`;

const SCRIPT = String.raw`
const $ = (s) => document.querySelector(s);
const esc = (t) => String(t).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const num = (n) => (n === undefined || n === null ? '' : Math.abs(n) >= 1e5 || (Math.abs(n) < 1e-3 && n !== 0) ? n.toExponential(2) : String(Number(n.toPrecision(4))));
// A 401 means the session ended: reloading shows the sign-in page.
async function getJson(url) { const r = await fetch(url); if (r.status === 401) location.reload(); const body = await r.json(); if (!r.ok) throw new Error(body.error || r.statusText); return body; }

async function refreshServing() {
  try {
    const s = await getJson('/api/serving');
    $('#engine').textContent = 'engine setting ' + (s.engine || '?') + ' · backend ' + (s.backend || '?');
    $('#serving').innerHTML = [
      ['images/s', num(s.imagesPerSecond)], ['batch fill', Math.round(s.batchFill * 100) + ' %'], ['queue (mean)', num(s.meanQueueMs) + ' ms'],
      ['compute (mean)', num(s.meanComputeMs) + ' ms'], ['calls in flight', s.stats.activeCalls], ['images queued', s.stats.queuedImages], ['batches (total)', s.stats.batches],
    ].map(([k, v]) => '<div class="figure"><b>' + esc(v) + '</b><span>' + esc(k) + '</span></div>').join('') + '<div class="figure"><span>rates and means over the last ' + s.windowSeconds + ' s</span></div>';
  } catch (e) { $('#serving').innerHTML = '<span class="error">' + esc(e.message) + '</span>'; }
}

async function refreshModels() {
  try {
    const m = await getJson('/api/models');
    const rows = m.models.flatMap((model) => model.versions.map((v) =>
      '<tr class="model-row" data-model="' + esc(model.name + '@' + v.version) + '"><td><b>' + esc(model.name) + '</b></td><td>' + esc(v.version) + '</td>' +
      '<td class="state-' + (v.complete ? 'complete">complete' : 'partial">partial') + ' (' + v.step + ' / ' + v.totalSteps + ')</td>' +
      '<td>' + esc(v.stage) + '</td><td class="engine">' + esc(v.engine) + '</td><td>' + v.imageSize + ' px</td><td>' + (v.attention ? 'yes' : 'no') + (v.degraded ? ' · <span class="state-partial">degraded</span>' : '') + '</td>' +
      '<td>' + Object.entries(v.metrics.finalLosses || {}).map(([k, x]) => esc(k) + ' ' + num(x)).join(', ') + ' · λ ' + num(v.metrics.lambda) + '</td>' +
      '<td>' + esc(v.trainedOn) + '</td><td><a href="' + esc(v.report) + '" target="_blank">report</a></td></tr>'));
    $('#models').innerHTML = rows.length ? '<table><thead><tr><th>model</th><th>version</th><th>state</th><th>stage</th><th>engine</th><th>size</th><th>attention</th><th>final losses</th><th>trained on</th><th></th></tr></thead><tbody>' + rows.join('') + '</tbody></table>'
      : '<p class="muted">The registry holds no model yet.</p>';
    const select = $('#try-model');
    const current = select.value;
    select.innerHTML = m.models.flatMap((model) => model.versions.map((v) => model.name + '@' + v.version)).reverse().map((id) => '<option>' + esc(id) + '</option>').join('');
    if (current) select.value = current;
  } catch (e) { $('#models').innerHTML = '<span class="error">' + esc(e.message) + '</span>'; }
}

const followed = new Map();
function chart(title, points, total) {
  const w = 250, h = 96, l = 54, t = 14, pw = w - l - 6, ph = h - t - 14;
  const ys = points.map((p) => p[1]);
  let lo = Math.min(...ys), hi = Math.max(...ys);
  if (!(hi > lo)) { hi = lo + 0.5; lo -= 0.5; }
  const x = (s) => l + (s / Math.max(1, total)) * pw, y = (v) => t + ph - ((v - lo) / (hi - lo)) * ph;
  const d = points.map((p, i) => (i ? 'L' : 'M') + x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1)).join(' ');
  return '<svg class="chart" width="' + w + '" height="' + h + '" data-title="' + esc(title) + '" data-points="' + points.length + '"><text x="' + l + '" y="10" font-weight="600">' + esc(title) + '</text>' +
    '<text x="' + (l - 3) + '" y="' + (t + 8) + '" text-anchor="end">' + num(hi) + '</text><text x="' + (l - 3) + '" y="' + (t + ph) + '" text-anchor="end">' + num(lo) + '</text>' +
    '<rect x="' + l + '" y="' + t + '" width="' + pw + '" height="' + ph + '" fill="none" stroke="#ddd"/><path d="' + d + '" fill="none" stroke="#2563eb" stroke-width="1.5"/>' +
    '<text x="' + (l + pw) + '" y="' + (h - 2) + '" text-anchor="end">' + total + ' steps</text></svg>';
}
function drawJob(id) {
  const job = followed.get(id);
  const keys = [...new Set(job.steps.flatMap((s) => Object.keys(s.losses)))];
  const charts = keys.map((k) => chart(k, job.steps.filter((s) => k in s.losses).map((s) => [s.step, s.losses[k]]), job.total))
    .concat(job.steps.length ? [chart('λ', job.steps.map((s) => [s.step, s.lambda]), job.total)] : []);
  const el = document.getElementById('job-' + id);
  if (!el) return;
  el.querySelector('.status').textContent = job.state.replace('JOB_STATE_', '').toLowerCase() + ' · ' + (job.stage || '') + ' · step ' + job.step + ' / ' + job.total + (job.message ? ' · ' + job.message : '');
  el.querySelector('.charts').innerHTML = charts.join('') || '<span class="muted">no steps yet</span>';
  el.querySelector('.charts').dataset.points = String(job.steps.length);
  if (job.sample) el.querySelector('.sample').innerHTML = '<figure><img class="grid-img" alt="sample grid, step ' + job.sampleStep + '" src="' + job.sample + '"><figcaption>step ' + job.sampleStep + ': rows input | G0 | attention | output</figcaption></figure>';
}
function follow(id) {
  if (followed.has(id)) return;
  const job = { steps: [], total: 0, step: 0, state: '', stage: '', message: '', sample: '', sampleStep: 0 };
  followed.set(id, job);
  const source = new EventSource('/api/jobs/' + encodeURIComponent(id) + '/events');
  source.addEventListener('training', (e) => {
    const ev = JSON.parse(e.data);
    job.state = ev.state; job.total = ev.totalSteps || job.total; job.step = ev.step || job.step; job.stage = ev.stage || job.stage;
    if (ev.message && ev.message !== 'sample' && ev.message !== 'step') job.message = ev.message;
    if (ev.losses && Object.keys(ev.losses).length && !job.steps.some((s) => s.step === ev.step)) job.steps.push({ step: ev.step, losses: ev.losses, lambda: ev.lambda || 0 });
    if (ev.sampleGrid) { job.sample = ev.sampleGrid; job.sampleStep = ev.step; job.sampleStage = ev.stage; }
    drawJob(id);
  });
  source.addEventListener('end', () => { source.close(); refreshModels(); });
  source.addEventListener('failure', () => source.close());
}
async function refreshJobs() {
  try {
    const { jobs } = await getJson('/api/jobs');
    const box = $('#jobs');
    if (!jobs.length) { box.innerHTML = '<p class="muted">No training job since the server started. Start one with StartTraining (gRPC) or sim2real demo.</p>'; return; }
    for (const j of jobs.slice().reverse()) {
      if (!document.getElementById('job-' + j.jobId)) {
        box.querySelector('.muted')?.remove();
        box.insertAdjacentHTML('afterbegin', '<div class="job" id="job-' + esc(j.jobId) + '"><b>' + esc(j.modelName) + '</b> <span class="muted">' + esc(j.jobId) + '</span> · <span class="status"></span><div class="charts"></div><div class="sample"></div></div>');
      }
      follow(j.jobId);
    }
  } catch (e) { $('#jobs').innerHTML = '<span class="error">' + esc(e.message) + '</span>'; }
}

async function tryIt(event) {
  event.preventDefault();
  const file = $('#try-file').files[0];
  const out = $('#try-result');
  if (!file) { out.innerHTML = '<span class="error">Choose a PNG or JPEG image first.</span>'; return; }
  out.innerHTML = '<span class="muted">translating…</span>';
  try {
    const r = await fetch('/api/translate?model=' + encodeURIComponent($('#try-model').value), { method: 'POST', body: file, headers: { 'content-type': file.type || 'application/octet-stream' } });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || r.statusText);
    const fig = (src, cap) => src ? '<figure><img src="' + src + '" alt="' + esc(cap) + '"><figcaption>' + esc(cap) + '</figcaption></figure>' : '';
    out.innerHTML = '<p>' + esc(body.model) + ' · ' + body.width + '×' + body.height + ' px · ' + body.milliseconds + ' ms</p><div class="tiles" id="try-tiles">' +
      fig(URL.createObjectURL(file), 'input') + fig(body.initial, 'G0') + fig(body.overlay, 'attention (heat on input)') + fig(body.attention, 'attention mask') + fig(body.output, 'output') + '</div>';
  } catch (e) { out.innerHTML = '<span class="error">' + esc(e.message) + '</span>'; }
}

async function signOut() {
  await fetch('/api/session', { method: 'DELETE' });
  location.reload();
}

// Who the page signs in as decides what it asks for: jobs need the train role (own jobs) or admin (all).
async function start() {
  const me = await getJson('/api/session');
  if (me.tokens) {
    $('#who').innerHTML = ' · signed in as <b>' + esc(me.name) + '</b> (' + esc(me.roles.join(', ')) + ') <button type="button" id="sign-out">sign out</button>';
    $('#sign-out').addEventListener('click', signOut);
  }
  $('#try-form').addEventListener('submit', tryIt);
  refreshModels(); refreshServing();
  setInterval(refreshServing, 2000); setInterval(refreshModels, 10000);
  if (me.roles.includes('train')) { refreshJobs(); setInterval(refreshJobs, 2000); }
  else $('#jobs').innerHTML = '<p class="muted" id="jobs-denied">Training jobs are shown to tokens with the train role (their own jobs) or admin (every job).</p>';
}
start();
`;

/** Headers of the HTML pages: never cached, never framed (a framed "try it" could be clicked through another site). */
export const HTML_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' } as const;

/** The sign-in page of a server with tokens: a form that posts the token (never in the URL) to `/api/session`; `message` is one of our sentences, inserted as is. */
export function signInPage(message?: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>sim2real translator · sign in</title><style>${CSS}</style></head>
<body>
<header><h1>sim2real translator</h1></header>
<main>
<section><h2>Sign in</h2>
<p>This translator needs a token (the same as for its gRPC API): <code>translate</code> shows the models and "try it", <code>train</code> also your training jobs, <code>admin</code> every job.</p>
<form id="sign-in-form" method="post" action="/api/session"><label>token <input type="password" name="token" autocomplete="current-password" required autofocus></label> <button type="submit">Sign in</button></form>
${message ? `<p class="error" id="sign-in-error">${message}</p>` : ''}
</section>
</main>
</body>
</html>
`;
}

/** The whole dashboard document. */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>sim2real translator</title><style>${CSS}</style></head>
<body>
<header><h1>sim2real translator</h1><div class="meta"><span id="engine"></span> · <a href="/metrics">/metrics</a> · <a href="/readyz">/readyz</a><span id="who"></span></div></header>
<main>
<section><h2>Serving</h2><div class="figures" id="serving"></div></section>
<section><h2>Models</h2><div id="models"><p class="muted">loading…</p></div></section>
<section><h2>Training jobs</h2><div id="jobs"><p class="muted">loading…</p></div></section>
<section><h2>Try it</h2>
<form id="try-form"><label>model <select id="try-model"></select></label> <input type="file" id="try-file" accept="image/png,image/jpeg"> <button type="submit">Translate</button></form>
<div id="try-result"></div></section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
