// Calls the API with relative URLs: CloudFront routes /api/* to the load balancer and /static/* to the bucket.
'use strict';
const API = '/api/items';
const rows = document.getElementById('items');
const more = document.getElementById('more');
const status = document.getElementById('status');
let next = null;

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

async function load(after) {
  const url = after ? `${API}?limit=20&after=${encodeURIComponent(after)}` : `${API}?limit=20`;
  try {
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    const body = await res.json();
    if (!res.ok) throw new Error(body.message || res.statusText);
    if (!after) rows.replaceChildren();
    for (const item of body.items) {
      const tr = document.createElement('tr');
      tr.append(cell(item.id), cell(item.name), cell(item.description), cell(new Date(item.updatedAt).toLocaleString()));
      rows.append(tr);
    }
    next = body.next;
    more.hidden = next === null;
  } catch (err) {
    rows.replaceChildren();
    const tr = document.createElement('tr');
    const td = cell(`Could not load the items: ${err.message}`);
    td.colSpan = 4;
    tr.append(td);
    rows.append(tr);
  }
}

more.addEventListener('click', () => load(next));

document.getElementById('edit').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const id = String(form.get('id'));
  try {
    const res = await fetch(`${API}/${encodeURIComponent(id)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ name: form.get('name'), description: form.get('description') || '' }),
    });
    const body = await res.json();
    status.textContent = res.ok ? `Saved item ${body.id}.` : `Not saved: ${body.message}`;
    if (res.ok) load();
  } catch (err) {
    status.textContent = `Not saved: ${err.message}`;
  }
});

load();
