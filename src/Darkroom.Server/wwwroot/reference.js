// The interactive API reference: renders /openapi/v1.json (operations, parameters, form fields, responses) and lets
// each operation be tried from the page with the key kept in this tab's session storage.
'use strict';

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};
const key = () => sessionStorage.getItem('darkroom.key') || '';

document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem('darkroom.key', document.getElementById('api-key').value.trim());
  document.getElementById('api-key').value = '';
  document.getElementById('key-state').textContent = 'Key kept for this tab.';
});
if (key()) { document.getElementById('key-state').textContent = 'Key kept for this tab.'; }

function schemaOf(doc, schema) {
  return schema && schema.$ref ? doc.components.schemas[schema.$ref.split('/').pop()] : schema;
}

function tryForm(doc, method, path, op, id) {
  const form = el('form', { className: 'try', ariaLabel: `Try ${method} ${path}` });
  const inputs = [];
  for (const p of op.parameters || []) {
    const input = el('input', { id: `${id}-${p.name}`, name: p.name, required: !!p.required });
    input.dataset.in = p.in;
    inputs.push(input);
    form.append(el('label', { htmlFor: input.id, textContent: `${p.name} (${p.in})` }), input);
  }
  for (const m of (path.match(/\{(\w+)\}/g) || []).map((x) => x.slice(1, -1))) {
    if (!(op.parameters || []).some((p) => p.name === m)) {
      const input = el('input', { id: `${id}-${m}`, name: m, required: true });
      input.dataset.in = 'path';
      inputs.push(input);
      form.append(el('label', { htmlFor: input.id, textContent: `${m} (path)` }), input);
    }
  }
  const content = op.requestBody && op.requestBody.content ? op.requestBody.content : {};
  const multipart = content['multipart/form-data'];
  let json = null;
  if (multipart) {
    const props = schemaOf(doc, multipart.schema).properties || {};
    for (const [name, s] of Object.entries(props)) {
      const binary = s.format === 'binary' || (s.items && s.items.format === 'binary');
      const input = el('input', { id: `${id}-f-${name}`, name, type: binary ? 'file' : 'text', multiple: s.type === 'array' });
      input.dataset.in = 'form';
      if (!binary && s.examples) { input.placeholder = s.examples[0]; }
      inputs.push(input);
      form.append(el('label', { htmlFor: input.id, textContent: `${name}${binary ? ' (file)' : ''}`, title: s.description || '' }), input);
    }
  } else if (content['application/json']) {
    json = el('textarea', { id: `${id}-json`, rows: 4, cols: 60, value: '{}' });
    form.append(el('label', { htmlFor: json.id, textContent: 'JSON body' }), json);
  }
  const output = el('pre', { className: 'answer', role: 'status', ariaLive: 'polite' });
  const image = el('img', { alt: 'The answer image', hidden: true });
  form.append(el('button', { type: 'submit', textContent: `Send ${method}` }), output, image);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    const body = multipart ? new FormData() : null;
    for (const input of inputs) {
      if (input.dataset.in === 'path') { url = url.replace(`{${input.name}}`, encodeURIComponent(input.value)); }
      else if (input.dataset.in === 'query' && input.value) { query.set(input.name, input.value); }
      else if (input.dataset.in === 'form') {
        if (input.type === 'file') { for (const f of input.files) { body.append(input.name, f, f.name); } }
        else if (input.value) { body.append(input.name, input.value); }
      }
    }
    const headers = op.security && op.security.length ? { 'X-API-Key': key() } : {};
    const init = { method: method.toUpperCase(), headers };
    if (body) { init.body = body; }
    if (json) { init.body = json.value; headers['Content-Type'] = 'application/json'; }
    output.textContent = 'Sending…';
    image.hidden = true;
    try {
      const response = await fetch(url + (query.toString() ? `?${query}` : ''), init);
      const type = response.headers.get('Content-Type') || '';
      const lines = [`HTTP ${response.status} ${type}`];
      for (const h of ['Location', 'Content-Disposition', 'X-Width', 'X-Height', 'X-Type', 'X-Credits-Charged']) {
        if (response.headers.get(h)) { lines.push(`${h}: ${response.headers.get(h)}`); }
      }
      if (type.startsWith('image/')) {
        image.src = URL.createObjectURL(await response.blob());
        image.hidden = false;
      } else {
        const text = await response.text();
        try { lines.push(JSON.stringify(JSON.parse(text), null, 2)); } catch { lines.push(text); }
      }
      output.textContent = lines.join('\n');
    } catch (error) {
      output.textContent = String(error);
    }
  });
  return form;
}

(async () => {
  const doc = await (await fetch('/openapi/v1.json')).json();
  document.getElementById('intro').textContent = `${doc.info.title} ${doc.info.version}. ${doc.info.description || ''}`;
  const toc = document.getElementById('toc');
  const list = document.getElementById('operations');
  let n = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const id = `op-${n++}`;
      toc.append(el('li', {}, el('a', { href: `#${id}`, textContent: `${method.toUpperCase()} ${path}` })));
      const responses = el('ul');
      for (const [status, r] of Object.entries(op.responses || {})) {
        responses.append(el('li', { textContent: `${status} ${r.description || ''} ${Object.keys(r.content || {}).join(', ')}` }));
      }
      list.append(el('section', { id, className: 'operation' },
        el('h2', { textContent: `${method.toUpperCase()} ${path}` }),
        el('p', { textContent: op.summary || '' }),
        op.description ? el('p', { textContent: op.description }) : null,
        el('p', { textContent: op.security && op.security.length ? 'Needs X-API-Key.' : 'No key needed.' }),
        el('h3', { textContent: 'Responses' }), responses,
        el('h3', { textContent: 'Try it' }), tryForm(doc, method, path, op, id)));
    }
  }
})();
