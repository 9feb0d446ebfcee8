// The daemon's own pages: its health, the capability matrix, the heartbeat agents.
import { getJson } from './api.js';
import { el, clear } from './dom.js';
import * as fmt from './format.js';
import { refresher } from './refresher.js';

function polled(view, title, id, load, render, everyMs = 2000) {
  const box = el('div', { id, testid: id });
  view.append(el('h2', {}, title), box);
  const reload = refresher(async () => {
    try {
      box.replaceChildren(render(await load()));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'red' }, e.message));
    }
  }, everyMs);
  reload();
  return () => { reload.stop(); clear(view); };
}

function table(headers, rows) {
  return el('table', { class: 'grid' }, el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((c) => (c instanceof Node ? c : el('td', {}, c)))))));
}

export function health(view) {
  return polled(view, 'Daemon health', 'health', () => getJson('/v1/health'), (h) => table(['', ''], [
    ['status', el('td', { class: h.status === 'ok' ? 'green' : 'red', testid: 'health-status' }, h.status)],
    ['version', h.version], ['pid', String(h.pid)], ['uptime', fmt.duration(h.uptimeMs)], ['sessions', String(h.sessions)],
    ['home', h.home], ['last event', String(h.lastEventSeq)], ['upgrades', String(h.upgrades)],
    ['last upgrade failure', h.lastUpgradeFailure || '-'], ['dashboard', h.ui || '-'],
  ]));
}

export function capabilities(view) {
  return polled(view, 'Capabilities', 'capabilities', () => getJson('/v1/capabilities'), (m) => table(
    ['Category', 'Support', 'Backend', 'Reason'],
    m.capabilities.map((c) => [c.category, el('td', { class: c.support === 'supported' ? 'green' : c.support === 'partial' ? 'yellow' : 'red', testid: `cap-${c.category}` }, c.support), c.backend, c.reason || '']),
  ), 30000);
}

export function heartbeats(view) {
  return polled(view, 'Heartbeats', 'heartbeats', () => getJson('/v1/beats'), (b) => (b.agents.length === 0
    ? el('p', { class: 'dim' }, `no agent has sent a beat (sockets in ${b.socketDir})`)
    : table(['Session', 'PID', 'Origin', 'Status', 'Age', 'Beats', 'Stalls', 'Stalled'], b.agents.map((a) => [
      a.name ? el('td', {}, el('a', { href: `#/s/${encodeURIComponent(a.name)}/events` }, a.name)) : (a.session || '-'),
      String(a.pid), a.origin, el('td', { class: a.status === 'ok' ? 'green' : a.status === 'degraded' ? 'yellow' : 'red' }, a.status),
      fmt.duration(a.ageMs), String(a.beats), String(a.stalls), el('td', { class: a.stalled ? 'red' : '' }, a.stalled ? 'yes' : 'no'),
    ]))));
}
