// Darkroom's web console: plain JavaScript against the public API v1 (no build step). The API key lives in this
// tab's session storage only.
'use strict';

const $ = (id) => document.getElementById(id);
// The API's origin: this page's own, or ?api=https://… when the console is hosted as static files elsewhere.
const base = (new URLSearchParams(location.search).get('api') || '').replace(/\/$/, '');
const api = '/api/v1';
let file = null;          // the picked photo
let photoUrl = null;      // an object URL of it
let maskTouched = false;  // whether the user painted or loaded a mask

function key() { return sessionStorage.getItem('darkroom.key') || ''; }

async function call(path, init = {}) {
  const response = await fetch(path.startsWith('/') ? base + path : path, { ...init, headers: { ...(init.headers || {}), 'X-API-Key': key() } });
  if (!response.ok && response.status !== 202) {
    let message = `HTTP ${response.status}`;
    try {
      const problem = await response.json();
      message = `${problem.title || message}: ${problem.detail || ''} (${problem.code || response.status})`;
    } catch { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function showError(error) {
  $('error').textContent = error ? String(error.message || error) : '';
  $('error').hidden = !error;
}

// --- API key -------------------------------------------------------------------------------------------------
$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('darkroom.key', $('api-key').value.trim());
  $('api-key').value = '';
  $('key-state').textContent = 'Key kept for this tab.';
  refresh();
});
if (key()) { $('key-state').textContent = 'Key kept for this tab.'; }

// --- Picking a photo -----------------------------------------------------------------------------------------
function pick(picked) {
  if (!picked) { return; }
  file = picked;
  if (photoUrl) { URL.revokeObjectURL(photoUrl); }
  photoUrl = URL.createObjectURL(file);
  $('file-name').textContent = `${file.name} (${Math.round(file.size / 1024)} KB)`;
  $('paint-photo').src = photoUrl;
  maskTouched = false;
  showError(null);
}
$('drop').addEventListener('click', () => $('file').click());
$('drop').addEventListener('keydown', (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); $('file').click(); } });
$('file').addEventListener('change', () => pick($('file').files[0]));
$('drop').addEventListener('dragover', (event) => { event.preventDefault(); $('drop').classList.add('over'); });
$('drop').addEventListener('dragleave', () => $('drop').classList.remove('over'));
$('drop').addEventListener('drop', (event) => { event.preventDefault(); $('drop').classList.remove('over'); pick(event.dataTransfer.files[0]); });

function operation() { return document.querySelector('input[name=operation]:checked').value; }
document.querySelectorAll('input[name=operation]').forEach((radio) => radio.addEventListener('change', () => {
  $('cutout-options').hidden = operation() !== 'remove-background';
  $('watermark-options').hidden = operation() !== 'remove-watermark';
  $('paint').hidden = operation() !== 'remove-watermark' || !file;
}));

// --- The mask brush ------------------------------------------------------------------------------------------
const canvas = $('mask-canvas');
const paint = canvas.getContext('2d');
$('paint-photo').addEventListener('load', () => {
  canvas.width = $('paint-photo').naturalWidth;
  canvas.height = $('paint-photo').naturalHeight;
  clearMask();
  $('paint').hidden = operation() !== 'remove-watermark';
});
function clearMask() { paint.fillStyle = '#000'; paint.fillRect(0, 0, canvas.width, canvas.height); maskTouched = false; }
$('clear-mask').addEventListener('click', clearMask);
let drawing = false;
function stroke(event) {
  const box = canvas.getBoundingClientRect();
  const scale = canvas.width / box.width;
  const x = (event.clientX - box.left) * scale;
  const y = (event.clientY - box.top) * scale;
  const erase = document.querySelector('input[name=brush]:checked').value === 'erase';
  paint.fillStyle = erase ? '#000' : '#fff';
  paint.beginPath();
  paint.arc(x, y, Number($('brush-size').value) * scale / 2, 0, Math.PI * 2);
  paint.fill();
  maskTouched = true;
}
canvas.addEventListener('pointerdown', (event) => { event.preventDefault(); drawing = true; canvas.setPointerCapture(event.pointerId); stroke(event); });
canvas.addEventListener('pointermove', (event) => { if (drawing) { stroke(event); } });
canvas.addEventListener('pointerup', () => { drawing = false; });

$('auto-mask').addEventListener('click', async () => {
  if (!file) { showError('Pick a photo first.'); return; }
  showError(null);
  try {
    const job = await runJob('remove-watermark', { output: 'mask', format: 'png' }, null);
    const blob = await (await call(job.links.result)).blob();
    const image = await createImageBitmap(blob);
    paint.drawImage(image, 0, 0, canvas.width, canvas.height);
    maskTouched = true;
    $('progress-text').textContent = 'Automatic mask shown: paint or erase, then Start.';
  } catch (error) { showError(error); }
});

// --- Running a job -------------------------------------------------------------------------------------------
function cutoutOptions() {
  const options = { format: $('format').value, type: $('type').value, crop: $('crop').checked, shadow: $('shadow').checked };
  if ($('background').value.trim()) { options.background = $('background').value.trim(); }
  if ($('preview').checked) { options.size = 'preview'; }
  return options;
}

async function runJob(op, options, mask) {
  const form = new FormData();
  form.append('image', file, file.name);
  form.append('operation', op);
  form.append('options', JSON.stringify(options));
  if (mask) { form.append('mask', mask, 'mask.png'); }
  $('progress-box').hidden = false;
  $('progress').value = 0;
  $('progress-text').textContent = 'Uploading…';
  let job = await (await call(`${api}/jobs`, { method: 'POST', body: form })).json();
  while (!['completed', 'failed', 'canceled'].includes(job.status)) {
    $('progress').value = job.progress ?? job.percent ?? 0;
    $('progress-text').textContent = `${job.status}: ${job.stage} (${$('progress').value} %)`;
    await new Promise((resolve) => setTimeout(resolve, 400));
    job = await (await call(`${api}/jobs/${job.id}`)).json();
  }
  $('progress').value = 100;
  if (job.status !== 'completed') {
    throw new Error(`${job.error?.message || 'The job failed'} (${job.error?.code || job.status})`);
  }
  $('progress-text').textContent = `Completed in ${job.timings.reduce((sum, t) => sum + t.elapsedMs, 0)} ms.`;
  return job;
}

$('job-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!key()) { showError('Enter an API key first.'); return; }
  if (!file) { showError('Pick a photo first.'); return; }
  showError(null);
  $('submit').disabled = true;
  try {
    const op = operation();
    const mask = op === 'remove-watermark' && maskTouched ? await new Promise((resolve) => canvas.toBlob(resolve, 'image/png')) : null;
    const job = await runJob(op, op === 'remove-background' ? cutoutOptions() : { format: 'png' }, mask);
    await show(job);
    refresh();
  } catch (error) {
    showError(error);
  } finally {
    $('submit').disabled = false;
  }
});

// --- Showing the result --------------------------------------------------------------------------------------
async function show(job) {
  const response = await call(job.links.result);
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  $('before').src = photoUrl;
  $('after').src = url;
  $('download').href = url;
  const disposition = response.headers.get('Content-Disposition') || '';
  $('download').download = (/filename="?([^";]+)"?/.exec(disposition) || [])[1] || 'result';
  $('download').textContent = `Download ${$('download').download}`;
  const result = job.result || {};
  $('facts').textContent = `${result.width} × ${result.height}, ${Math.round((result.bytes || 0) / 1024)} KB` +
    (result.subject ? `; subject ${result.subject.type} (${result.subject.route})` : '');
  $('result-box').hidden = false;
  const image = await createImageBitmap(blob);
  const matte = $('matte');
  matte.width = image.width;
  matte.height = image.height;
  const context = matte.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height);
  for (let i = 0; i < pixels.data.length; i += 4) {
    const a = pixels.data[i + 3];
    pixels.data[i] = pixels.data[i + 1] = pixels.data[i + 2] = a;
    pixels.data[i + 3] = 255;
  }
  context.putImageData(pixels, 0, 0);
  $('result-title').focus?.();
}

function split() { $('after-clip').style.clipPath = `inset(0 0 0 ${$('split').value}%)`; }
$('split').addEventListener('input', split);
document.querySelectorAll('input[name=view]').forEach((radio) => radio.addEventListener('change', () => {
  const matte = document.querySelector('input[name=view]:checked').value === 'matte';
  $('matte').hidden = !matte;
  $('before').hidden = matte;
  $('after-clip').hidden = matte;
}));
$('backdrop').addEventListener('change', () => {
  const value = $('backdrop').value;
  $('backdrop-colour').hidden = value !== 'colour';
  $('compare').classList.toggle('checker', value === 'checker');
  $('compare').style.background = value === 'checker' ? '' : value === 'colour' ? $('backdrop-colour').value : value;
});
$('backdrop-colour').addEventListener('input', () => { $('compare').style.background = $('backdrop-colour').value; });

// --- Usage and recent jobs -----------------------------------------------------------------------------------
async function refresh() {
  if (!key()) { return; }
  try {
    const usage = await (await call(`${api}/usage`)).json();
    $('usage').textContent = `Plan ${usage.plan}: ${usage.used} of ${usage.quota} credits used this month, ${usage.remaining} left.`;
    const list = await (await call(`${api}/jobs?pageSize=10`)).json();
    const rows = $('jobs');
    rows.replaceChildren();
    for (const job of list.jobs || []) {
      const row = rows.insertRow();
      row.insertCell().textContent = new Date(job.createdAt).toLocaleString();
      row.insertCell().textContent = job.operation;
      row.insertCell().textContent = job.status;
      const cell = row.insertCell();
      if (job.status === 'completed') {
        const open = document.createElement('button');
        open.type = 'button';
        open.textContent = 'Download';
        open.addEventListener('click', async () => {
          const response = await call(job.links.result);
          const link = document.createElement('a');
          link.href = URL.createObjectURL(await response.blob());
          link.download = (/filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') || '') || [])[1] || 'result';
          link.click();
        });
        cell.append(open);
      }
    }
  } catch (error) { showError(error); }
}
$('refresh').addEventListener('click', refresh);
refresh();
