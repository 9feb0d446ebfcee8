// The sessions table: live through the event stream, refreshed for its figures, filtered and sorted.
import { getJson } from './api.js';
import { el, clear } from './dom.js';
import * as fmt from './format.js';
import { subscribe } from './live-events.js';
import { refresher } from './refresher.js';

// column: header, the text of a cell, the value it sorts by
const COLUMNS = [
  ['name', 'Name', (s) => fmt.ref(s), (s) => fmt.ref(s)],
  ['state', 'State', (s) => fmt.stateLabel(s), (s) => fmt.stateLabel(s)],
  ['pid', 'PID', (s) => String(s.pid), (s) => s.pid],
  ['uptime', 'Uptime', (s) => (fmt.running(s) ? fmt.duration(s.ageMs) : '-'), (s) => (fmt.running(s) ? s.ageMs : -1)],
  ['cpu', 'CPU', (s) => fmt.duration(s.treeCpuMs), (s) => s.treeCpuMs],
  ['mem', 'Memory', (s) => (fmt.running(s) ? fmt.bytes(s.treeRssBytes) : '-'), (s) => (fmt.running(s) ? s.treeRssBytes : -1)],
  ['restarts', 'Restarts', (s) => String(s.restarts), (s) => s.restarts],
  ['lastExit', 'Last exit', (s) => fmt.lastExit(s), (s) => fmt.lastExit(s)],
  ['heartbeat', 'Heartbeat', (s, a) => fmt.heartbeat(s, a), (s, a) => fmt.heartbeat(s, a)],
  ['beatAge', 'Beat age', (s) => fmt.duration(s.lastBeatAgeMs), (s) => s.lastBeatAgeMs ?? -1],
  ['label', 'Label', (s) => s.label || '', (s) => s.label || ''],
  ['command', 'Command', (s) => fmt.command(s.argv), (s) => fmt.command(s.argv)],
];

export function mount(view) {
  const state = { sessions: [], agents: new Map(), filter: '', sort: 'name', descending: false, all: true, loaded: false };
  const tbody = el('tbody', { id: 'sessions-body' });
  const head = el('tr', {}, COLUMNS.map(([key, title]) => el('th', {
    dataset: { key }, testid: `sort-${key}`, class: 'sortable',
    onclick: () => {
      state.descending = state.sort === key ? !state.descending : false;
      state.sort = key;
      render();
    },
  }, title)));
  const count = el('span', { id: 'sessions-count', testid: 'sessions-count' });
  const filter = el('input', {
    id: 'sessions-filter', testid: 'sessions-filter', type: 'search', placeholder: 'filter: name, state, label, command',
    oninput: () => { state.filter = filter.value.trim().toLowerCase(); render(); },
  });
  const all = el('input', { id: 'sessions-all', type: 'checkbox', checked: true, onchange: () => { state.all = all.checked; reload(); } });
  const table = el('table', { id: 'sessions-table', testid: 'sessions-table', class: 'grid' }, el('thead', {}, head), tbody);
  view.append(el('section', { class: 'toolbar' }, filter, el('label', {}, all, ' ended too'), count,
    el('a', { href: '#/new', class: 'button' }, 'New session')), table);

  function matches(s) {
    if (!state.filter) return true;
    const hay = [fmt.ref(s), s.id, fmt.stateLabel(s), s.label || '', fmt.command(s.argv)].join(' ').toLowerCase();
    return hay.includes(state.filter);
  }

  function render() {
    const column = COLUMNS.find(([key]) => key === state.sort);
    const key = (s) => column[3](s, state.agents.get(s.id));
    const shown = state.sessions.filter(matches).sort((a, b) => {
      const x = key(a);
      const y = key(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
      return state.descending ? -c : c;
    });
    for (const th of head.children) {
      th.classList.toggle('sorted', th.dataset.key === state.sort);
      th.classList.toggle('descending', th.dataset.key === state.sort && state.descending);
    }
    const rows = shown.map((s) => row(s, state.agents.get(s.id)));
    tbody.replaceChildren(...rows);
    if (rows.length === 0) {
      tbody.append(el('tr', {}, el('td', { colspan: COLUMNS.length, class: 'empty' },
        state.sessions.length ? 'no session matches the filter' : 'no sessions')));
    }
    count.textContent = `${shown.length} of ${state.sessions.length}`;
    table.dataset.loaded = String(state.loaded);
    if (state.loaded && !performance.getEntriesByName('sessions-rendered').length) performance.mark('sessions-rendered');
    table.dataset.rows = String(shown.length);
  }

  function row(s, agent) {
    const cells = COLUMNS.map(([key, , text]) => {
      const value = text(s, agent);
      if (key === 'name') {
        return el('td', { dataset: { col: key } }, el('a', { href: `#/s/${encodeURIComponent(fmt.ref(s))}/logs`, testid: 'session-link' }, value));
      }
      if (key === 'state') {
        return el('td', { dataset: { col: key }, testid: 'state', class: `state ${fmt.stateColour(s)}` }, value);
      }
      if (key === 'heartbeat') {
        return el('td', { dataset: { col: key }, class: value === 'stalled' || value === 'critical' ? 'red' : value === 'degraded' ? 'yellow' : '' }, value);
      }
      return el('td', { dataset: { col: key }, class: key === 'command' ? 'command' : '' }, value);
    });
    return el('tr', { testid: 'session-row', dataset: { name: fmt.ref(s), id: s.id, state: fmt.stateLabel(s) } }, cells);
  }

  const reload = refresher(async () => {
    try {
      const [list, beats] = await Promise.all([
        getJson(`/v1/sessions${state.all ? '?all=true' : ''}`),
        getJson('/v1/beats').catch(() => ({ agents: [] })),
      ]);
      state.sessions = list.sessions;
      state.agents = new Map((beats.agents || []).filter((a) => a.session).map((a) => [a.session, a]));
      state.loaded = true;
      render();
    } catch (e) {
      count.textContent = `cannot list sessions: ${e.message}`;
    }
  }, 2000);
  const unsubscribe = subscribe((event) => {
    if (event.category !== 'heartbeat' || event.type === 'stall' || event.type === 'ready' || event.type === 'reconnected') reload();
  });
  reload();
  return () => { reload.stop(); unsubscribe(); clear(view); };
}
