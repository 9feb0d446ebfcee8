// One session: its figures and actions on top, then a tab: logs, terminal, charts or events.
import { getJson, sessionPath } from './api.js';
import { el, clear } from './dom.js';
import * as fmt from './format.js';
import { subscribe } from './live-events.js';
import { refresher } from './refresher.js';
import { actionBar } from './actions.js';
import * as logs from './logs-view.js';
import * as terminal from './terminal-view.js';
import * as charts from './charts-view.js';
import * as events from './session-events-view.js';

const TABS = { logs, terminal, charts, events };

function fact(label, id, value) {
  return el('div', { class: 'fact' }, el('span', { class: 'label' }, label), el('span', { id, testid: id }, value));
}

export function mount(view, ref, tab) {
  const pane = TABS[tab] ? tab : 'logs';
  const facts = el('div', { class: 'facts', id: 'session-facts' });
  const title = el('h2', { id: 'session-title', testid: 'session-title' }, ref);
  const tabs = el('nav', { class: 'tabs' }, Object.keys(TABS).map((t) =>
    el('a', { href: `#/s/${encodeURIComponent(ref)}/${t}`, class: t === pane ? 'active' : '', testid: `tab-${t}` }, t)));
  const body = el('section', { class: `pane pane-${pane}`, id: `pane-${pane}` });
  let session = null;

  const load = refresher(async () => {
    try {
      session = await getJson(sessionPath(ref));
      show(session);
    } catch (e) {
      title.textContent = `${ref}: ${e.code === 'not-found' ? 'no such session (removed or released)' : e.message}`;
      clear(facts);
    }
  }, 2000);
  const bar = actionBar(ref, (verb) => {
    if (verb === 'remove') {
      location.hash = '#/sessions';
    } else {
      load();
    }
  });
  view.append(title, facts, bar, tabs, body);

  function show(s) {
    title.textContent = `${fmt.ref(s)} `;
    title.append(el('span', { class: `state ${fmt.stateColour(s)}`, id: 'session-state', testid: 'session-state' }, fmt.stateLabel(s)));
    facts.replaceChildren(
      fact('id', 'fact-id', s.id), fact('pid', 'fact-pid', String(s.pid)), fact('kind', 'fact-kind', s.kind),
      fact('uptime', 'fact-uptime', fmt.running(s) ? fmt.duration(s.ageMs) : '-'), fact('cpu', 'fact-cpu', fmt.duration(s.treeCpuMs)),
      fact('memory', 'fact-mem', fmt.running(s) ? fmt.bytes(s.treeRssBytes) : '-'), fact('restarts', 'fact-restarts', String(s.restarts)),
      fact('last exit', 'fact-last-exit', fmt.lastExit(s)), fact('heartbeat', 'fact-heartbeat', fmt.heartbeat(s)),
      fact('label', 'fact-label', s.label || '-'), fact('command', 'fact-command', fmt.command(s.argv)),
    );
  }

  const unsubscribe = subscribe((e) => { if (!session || e.session === session.id || e.type === 'reconnected') load(); });
  load();
  const unmountPane = TABS[pane].mount(body, ref);
  return () => { load.stop(); unsubscribe(); unmountPane(); clear(view); };
}
