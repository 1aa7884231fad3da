// bis-mock dashboard: every figure comes from the control protocol (docs/control-protocol.md).
// Text from requests is never parsed as HTML: it goes in with textContent only.
'use strict';

const kAdmin = '/__admin';
const kPage = 50;          // records per page
const kJournalPage = 100;  // journal entries per page
const kWaitMs = 25000;     // one long poll of the journal

// The token: from the fragment (#token=T, then removed from the address bar and history) or
// the form; kept for this tab only. Sent as a header, never in a URL.
let token = sessionStorage.getItem('bis-admin-token') || '';
(function takeTokenFromFragment() {
  const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!m) return;
  token = decodeURIComponent(m[1]);
  sessionStorage.setItem('bis-admin-token', token);
  history.replaceState(null, '', location.pathname);
})();

const $ = (sel, root = document) => root.querySelector(sel);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v !== false && v !== null && v !== undefined) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

class HttpError extends Error {}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (token) headers['X-Admin-Token'] = token;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path.startsWith('/') ? path : kAdmin + '/' + path,
                          {method: options.method || 'GET', headers, body: options.body,
                           signal: options.signal, cache: 'no-store'});
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch (e) { body = text; }
  if (res.status === 401) {
    $('#token-form').hidden = false;
    throw new HttpError('the mock wants its admin token: enter it above');
  }
  if (!res.ok) throw new HttpError((body && body.error) || res.status + ' ' + text);
  return body;
}

function showError(e) {
  if (e && e.name === 'AbortError') return;
  const p = $('#error');
  p.textContent = String(e && e.message ? e.message : e);
  p.hidden = false;
}
function clearError() { $('#error').hidden = true; }

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== 0) q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

function filters(names = ['account', 'email', 'variant']) {
  const form = $('#filters');
  const out = {};
  for (const n of names) if (form.elements[n]) out[n] = form.elements[n].value.trim();
  return out;
}

// ---- fixtures: store names and product titles for the outbox, accounts for the views ----
let fixtures = {accounts: []};
async function loadFixtures() { fixtures = await api('fixtures'); return fixtures; }
const accountOf = key => fixtures.accounts.find(a => a.key === key);
function titleOf(key, variant) {
  const a = accountOf(key);
  const v = a && a.variants.find(x => x.id === variant);
  return v && v.title ? v.title : 'variant ' + variant;
}

// ---- health ----
let capabilities = [];
async function refreshHealth() {
  const h = await api('health');
  capabilities = h.capabilities || [];
  const c = h.counts || {};
  $('#health').textContent = `${h.implementation} · ${c.subscriptions} subscriptions · ` +
      `${c.events} events · ${c.notifications} notifications · ${c.requests} requests` +
      (h.defects && h.defects.length ? ' · defects: ' + h.defects.join(', ') : '');
  for (const b of document.querySelectorAll('nav [data-capability]'))
    b.hidden = !capabilities.includes(b.dataset.capability);
}

// ---- the journal, live (long polling GET /__admin/requests?after=ID&wait_ms=N) ----
let journalAbort = null;
let newestId = 0;
let olderLink = null;

function curlOf(entry) {
  const q = s => "'" + String(s).replace(/'/g, "'\\''") + "'";
  const url = location.origin + entry.path + (entry.query ? '?' + entry.query : '');
  const parts = ['curl -i', '-X ' + entry.method, q(url)];
  for (const [name, value] of Object.entries(entry.headers || {})) {
    if (/^(host|content-length|connection|accept-encoding)$/i.test(name)) continue;
    parts.push('-H ' + q(name + ': ' + value));
  }
  if (entry.body) parts.push('--data-binary ' + q(entry.body));
  return parts.join(' \\\n  ');
}

function showCurl(entry) {
  const text = curlOf(entry);
  $('#curl').value = text;
  $('#curl-box').hidden = false;
  $('#curl').focus();
  $('#curl').select();
  if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
}

function journalCard(e) {
  const refused = e.status >= 400;
  const reason = e.response && e.response.headers && e.response.headers['X-Bis-Mock-Reason'];
  return el('li', {class: 'card ' + (refused ? 'refused' : 'ok'), 'data-id': e.id},
    el('div', {class: 'line'},
      el('span', {class: 'status', text: String(e.status)}),
      el('span', {text: e.method + ' ' + e.path}),
      el('span', {class: 'outcome', text: e.outcome || ''}),
      // The faults that applied (docs/control-protocol.md, "Faults"): a faulted answer is the
      // fault's, not the API's, and the card must say so beside the outcome.
      e.fault ? el('span', {class: 'fault', text: 'fault: ' + e.fault}) : null,
      el('span', {class: 'muted', text: (e.account || '') + ' · ' + e.time.slice(11, 23)})),
    el('div', {class: 'reason', text: reason || e.reason || ''}),
    el('details', {},
      el('summary', {text: 'request and answer'}),
      el('pre', {text: e.method + ' ' + e.path + (e.query ? '?' + e.query : '') + '\n' +
        Object.entries(e.headers || {}).map(([k, v]) => k + ': ' + v).join('\n') +
        '\n\n' + (e.body || '')}),
      el('pre', {text: 'HTTP ' + e.status + '\n' +
        Object.entries(e.response.headers || {}).map(([k, v]) => k + ': ' + v).join('\n') +
        '\n\n' + (e.response.body || '')})),
    el('button', {type: 'button', class: 'copy-curl', text: 'Copy as curl',
                  onclick: () => showCurl(e)}));
}

function addToJournal(items, atTop) {
  const list = $('#journal');
  // Pages come oldest first; the view shows the newest at the top.
  for (const e of items) {
    newestId = Math.max(newestId, e.id);
    if (atTop) list.prepend(journalCard(e)); else list.append(journalCard(e));
  }
  while (list.children.length > 1000) list.lastElementChild.remove();
}

// onLive: called once the first page is shown (or could not be read).
async function startJournal(onLive = () => {}) {
  if (journalAbort) journalAbort.abort();
  const abort = journalAbort = new AbortController();
  $('#journal').textContent = '';
  newestId = 0;
  const f = filters(['account', 'email', 'variant', 'outcome']);
  try {
    const page = await api('requests' + query(Object.assign({limit: kJournalPage}, f)),
                           {signal: abort.signal});
    addToJournal(page.items, true);
    olderLink = page.next;
    $('#journal-older').hidden = !olderLink;
    $('#live').textContent = 'live';
    onLive();
    while (!abort.signal.aborted) {
      const next = await api('requests' + query(Object.assign(
          {limit: kJournalPage, after: newestId, wait_ms: kWaitMs}, f)), {signal: abort.signal});
      if (next.items.length) {
        addToJournal(next.items, true);
        refreshHealth().catch(() => {});
      }
    }
  } catch (e) {
    onLive();
    if (abort.signal.aborted) return;
    $('#live').textContent = 'disconnected';
    showError(e);
    setTimeout(() => { if (journalAbort === abort) startJournal(); }, 2000);
  }
}

async function olderJournal() {
  if (!olderLink) return;
  const page = await api(olderLink);
  for (let i = page.items.length - 1; i >= 0; --i) addToJournal([page.items[i]], false);
  olderLink = page.next;
  $('#journal-older').hidden = !olderLink;
}

// ---- paged record views: subscriptions, events, outbox ----
function recordLine(kind, r) {
  if (kind === 'subscriptions') {
    return el('div', {class: 'line'}, el('strong', {text: r.email}),
              el('span', {text: titleOf(r.account, r.variant)}),
              el('span', {class: 'muted', text: `${r.account} · ${r.variant} · ${r.platform} · ${r.id} · ${r.created_at}`}));
  }
  if (kind === 'events') {
    return el('div', {class: 'line'}, el('strong', {text: r.metric}), el('span', {text: r.email}),
              el('span', {class: 'muted', text: `${r.account} · ${r.variant} · ${r.subscription} · ${r.time}`}));
  }
  // The outbox: each notification as the shopper would read it.
  const a = accountOf(r.account);
  const store = a && a.name ? a.name : r.account;
  const title = titleOf(r.account, r.variant);
  return el('div', {class: 'message'},
    el('div', {class: 'muted', text: `From ${store} · to ${r.email} · ${r.channel} · batch ${r.batch} · ${r.sent_at}`}),
    el('div', {class: 'subject', text: `${title} is back in stock`}),
    el('div', {text: `Good news from ${store}: ${title} (variant ${r.variant}) is available again.`}));
}

const pages = {};  // view -> the link of the page shown ('' = newest)

async function showRecords(kind, link = '') {
  const section = $('#view-' + kind);
  const route = kind === 'outbox' ? 'notifications' : kind;
  pages[kind] = link;
  if (kind === 'outbox' && !fixtures.accounts.length) await loadFixtures();
  const page = await api(link || route + query(Object.assign({limit: kPage}, filters())));
  const list = el('ol', {class: 'cards', id: kind + '-list'});
  for (let i = page.items.length - 1; i >= 0; --i)
    list.append(el('li', {class: 'card'}, recordLine(kind, page.items[i])));
  const older = el('button', {type: 'button', text: 'Older', disabled: !page.next,
                              onclick: () => showRecords(kind, page.next).catch(showError)});
  const newest = el('button', {type: 'button', text: 'Newest', disabled: !link,
                               onclick: () => showRecords(kind).catch(showError)});
  section.replaceChildren(
    el('div', {class: 'pager'},
       el('span', {class: 'total', text: `${page.total} ${kind === 'outbox' ? 'notifications' : kind}` +
                   ` (${page.count} shown, newest first)`}), newest, older),
    list);
}

// ---- accounts: catalog, inventory in place, restock in one click, flows ----
function flowForm(a) {
  const f = a.flow || {enabled: false, threshold: 1, batch_size: 0, batch_interval_seconds: 0};
  const result = el('div', {role: 'status'});
  const enabled = el('input', {type: 'checkbox', name: 'enabled', checked: !!(a.flow && f.enabled)});
  const num = (name, value, label) => el('label', {}, label,
      el('input', {type: 'number', name, min: name === 'threshold' ? 1 : 0, value}));
  const form = el('form', {class: 'fields flow', 'data-account': a.key},
    el('label', {}, 'Flow on', enabled),
    num('threshold', f.threshold, 'Threshold'), num('batch_size', f.batch_size, 'Batch size'),
    num('batch_interval_seconds', f.batch_interval_seconds, 'Batch interval (s)'),
    el('button', {type: 'submit', text: 'Save flow'}), result);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const body = enabled.checked || a.flow ? JSON.stringify({
      enabled: enabled.checked, threshold: +form.elements.threshold.value,
      batch_size: +form.elements.batch_size.value,
      batch_interval_seconds: +form.elements.batch_interval_seconds.value}) : 'null';
    try {
      const r = await api(`accounts/${encodeURIComponent(a.key)}/flow`, {method: 'PUT', body});
      a.flow = r.flow;
      result.textContent = r.flow ? `saved: ${r.flow.enabled ? 'on' : 'off'}, threshold ${r.flow.threshold}` : 'no flow';
    } catch (e) { showError(e); }
  });
  return form;
}

function variantRow(a, v) {
  const result = el('div', {class: 'restock-result', role: 'status'});
  const input = el('input', {type: 'number', value: v.inventory, 'aria-label': `Inventory of ${v.id}`});
  const path = `accounts/${encodeURIComponent(a.key)}/variants/${encodeURIComponent(v.id)}`;
  const set = async inventory => {
    const r = await api(path, {method: 'PUT', body: JSON.stringify({inventory})});
    v.inventory = r.inventory;
    input.value = r.inventory;
    return r;
  };
  const report = async r => {
    result.replaceChildren();
    if (!r.notified) {
      result.append(el('span', {text: `inventory ${r.inventory}: nobody notified (${r.reason || 'no restock'})`}));
      return;
    }
    const n = await api('notifications' + query({account: a.key, variant: v.id, limit: r.notified}));
    result.className = 'restock-result result';
    result.append(el('div', {text: `restocked: ${r.notified} notified` + (r.queued ? `, ${r.queued} in later batches` : '')}),
                  el('ul', {class: 'notified'}, ...n.items.map(x => el('li', {text: x.email}))));
    refreshHealth().catch(() => {});
  };
  const threshold = a.flow ? a.flow.threshold : 1;
  return el('li', {class: 'card variant', 'data-account': a.key, 'data-variant': v.id},
    el('div', {class: 'line'}, el('strong', {text: v.title || v.id}), el('span', {class: 'muted', text: v.id})),
    el('div', {class: 'fields'},
      el('label', {}, 'Inventory', input),
      el('button', {type: 'button', text: 'Set', onclick: () => set(+input.value).then(report).catch(showError)}),
      el('button', {type: 'button', class: 'restock', text: 'Restock',
        // One click: back below the threshold if needed, then up to it (at least 10).
        onclick: async () => {
          try {
            if (v.inventory >= threshold) await set(0);
            await report(await set(Math.max(threshold, 10)));
          } catch (e) { showError(e); }
        }})),
    result);
}

async function showAccounts() {
  await loadFixtures();
  const box = $('#accounts');
  box.replaceChildren();
  for (const a of fixtures.accounts) {
    box.append(el('h2', {text: `${a.name || a.key} (${a.key})`}),
      el('p', {class: 'muted', text: `${a.integration} · ${a.supports_back_in_stock ? 'back in stock supported' : 'no back in stock'} · ` +
                                     `rejections answer ${a.error_status} · duplicates answer ${a.duplicate_answer}`}),
      flowForm(a),
      el('ol', {class: 'cards'}, ...a.variants.map(v => variantRow(a, v))));
  }
}

async function showLists() {
  if (!fixtures.accounts.length) await loadFixtures();
  const box = $('#lists');
  box.replaceChildren();
  const f = filters(['account', 'email']);
  for (const a of fixtures.accounts) {
    if (f.account && f.account !== a.key) continue;
    for (const l of a.lists || []) {
      const m = await api(`lists/${encodeURIComponent(l.id)}/members` + query({account: a.key, email: f.email}));
      box.append(el('h2', {text: `${l.name || l.id} (${l.id}, ${a.key})`}),
        el('ol', {class: 'cards'}, ...m.items.map(x => el('li', {class: 'card'}, el('div', {class: 'line'},
          el('strong', {text: x.email || x.phone_number || ''}), el('span', {text: x.status}),
          el('span', {class: 'muted', text: x.created_at}))))),
        m.items.length ? '' : el('p', {class: 'muted', text: 'no members'}));
    }
  }
}

// Clock and faults (capabilities `clock`, `faults`; docs/control-protocol.md): shown as the
// routes answer, with their few actions.
async function showClock() {
  const section = $('#view-clock');
  const shown = el('pre', {id: 'clock-state', text: JSON.stringify(await api('clock'), null, 2)});
  const move = async body => {
    try {
      shown.textContent = JSON.stringify(await api('clock', {method: 'PUT', body: JSON.stringify(body)}), null, 2);
      refreshHealth().catch(() => {});
    } catch (e) { showError(e); }
  };
  const by = el('input', {value: '1h', size: 6, 'aria-label': 'Advance by (e.g. 90s, 15m, 1h)'});
  const form = el('form', {class: 'fields'}, el('label', {}, 'Advance by', by),
    el('button', {type: 'submit', text: 'Advance'}),
    el('button', {type: 'button', text: 'Freeze', onclick: () => move({freeze: true})}),
    el('button', {type: 'button', 'data-action': 'real', text: 'Real time', onclick: () => move({real: true})}));
  form.addEventListener('submit', ev => { ev.preventDefault(); move({advance: by.value.trim()}); });
  section.replaceChildren(el('p', {class: 'note', text: 'The mock\'s clock: batches come due as it moves ("sent": messages the move sent).'}), shown, form);
}

async function showFaults() {
  const section = $('#view-faults');
  const list = await api('faults');
  const body = el('textarea', {rows: 3, 'aria-label': 'Fault (JSON)',
                               placeholder: '{"path": "/api/v1/catalog/subscribe", "status": 503, "times": 1}'});
  const form = el('form', {class: 'fields'}, body, el('button', {type: 'submit', text: 'Add fault'}));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try { await api('faults', {method: 'POST', body: body.value}); await showFaults(); } catch (e) { showError(e); }
  });
  const remove = async route => {
    try { await api(route, {method: 'DELETE'}); await showFaults(); } catch (e) { showError(e); }
  };
  section.replaceChildren(
    el('div', {class: 'pager'}, el('span', {text: `${list.count} fault(s) in force`}),
       el('button', {type: 'button', text: 'Remove all', disabled: !list.count, onclick: () => remove('faults')})),
    el('ol', {class: 'cards'}, ...(list.items || []).map(f => el('li', {class: 'card'},
      el('pre', {text: JSON.stringify(f, null, 2)}),
      el('button', {type: 'button', text: 'Remove', onclick: () => remove('faults/' + encodeURIComponent(f.id))})))),
    form);
}

// ---- navigation ----
let current = 'journal';
const views = {
  journal: () => new Promise(resolve => startJournal(resolve)),
  accounts: showAccounts,
  subscriptions: () => showRecords('subscriptions'),
  events: () => showRecords('events'),
  outbox: () => showRecords('outbox'),
  lists: showLists,
  clock: showClock,
  faults: showFaults,
};

let typing = null;  // a filter's pending refresh
let showing = 0;    // shows started: only the latest one marks its view rendered
// body[data-view] names the view chosen, body[data-rendered] the view once its content has been
// read and drawn (what a test, or a user's script, waits for before using the view's controls).
function show(view) {
  const n = ++showing;
  clearTimeout(typing);
  current = view;
  for (const b of document.querySelectorAll('nav button')) {
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  for (const s of document.querySelectorAll('main > section')) s.hidden = s.id !== 'view-' + view;
  for (const l of document.querySelectorAll('#filters [data-only]')) l.hidden = l.dataset.only !== view;
  if (view !== 'journal' && journalAbort) { journalAbort.abort(); journalAbort = null; }
  clearError();
  document.body.dataset.view = view;
  delete document.body.dataset.rendered;
  return Promise.resolve(views[view]()).catch(showError).finally(() => {
    if (n === showing) document.body.dataset.rendered = view;
  });
}

document.addEventListener('DOMContentLoaded', () => {
  for (const b of document.querySelectorAll('nav button'))
    b.addEventListener('click', () => show(b.dataset.view));
  // Arrow keys move along the views (Tab still reaches every control).
  $('nav').addEventListener('keydown', ev => {
    const buttons = [...document.querySelectorAll('nav button:not([hidden])')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0 || (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft')) return;
    const next = buttons[(i + (ev.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length];
    next.focus();
    next.click();
  });
  $('#filters').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => show(current), 300);
  });
  $('#filters').addEventListener('submit', ev => { ev.preventDefault(); show(current); });
  $('#token-form').addEventListener('submit', ev => {
    ev.preventDefault();
    token = $('#token').value;
    sessionStorage.setItem('bis-admin-token', token);
    $('#token-form').hidden = true;
    refreshHealth().then(() => show(current)).catch(showError);
  });
  $('#journal-older').addEventListener('click', () => olderJournal().catch(showError));
  $('#curl-close').addEventListener('click', () => { $('#curl-box').hidden = true; });
  refreshHealth().catch(showError).finally(() => show('journal'));
});
