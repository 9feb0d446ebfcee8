// The events of one session, from its own event stream: what was kept, then what comes.
import { el } from './dom.js';
import { openEvents } from './live-events.js';
import { sessionPath } from './api.js';

const SKIP = new Set(['seq', 'type', 'category', 'at', 'session', 'name']);

export function mount(pane, ref) {
  const list = el('tbody', { id: 'session-events', testid: 'session-events' });
  pane.append(el('table', { class: 'grid events' }, el('thead', {}, el('tr', {}, el('th', {}, 'Time'), el('th', {}, 'Event'), el('th', {}, 'Details'))), list));
  const source = openEvents(sessionPath(ref, '/events?since=0'), (e) => {
    const details = Object.entries(e).filter(([k, v]) => !SKIP.has(k) && v !== null).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ');
    list.append(el('tr', { testid: 'session-event', dataset: { type: e.type } },
      el('td', {}, e.at ? new Date(e.at).toLocaleTimeString() : '-'), el('td', { class: `event ${e.category}` }, e.type), el('td', { class: 'details' }, details)));
  });
  return () => source.close();
}
