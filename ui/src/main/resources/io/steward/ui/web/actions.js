// What a person can do to a session, each answered with its outcome in one line.
import { postJson, postBytes, deleteJson, sessionPath } from './api.js';
import { el } from './dom.js';
import * as fmt from './format.js';

const SIGNALS = ['HUP', 'INT', 'TERM', 'QUIT', 'USR1', 'USR2', 'STOP', 'CONT', 'WINCH', 'KILL'];

function ended(s) {
  return `${fmt.stateLabel(s)}${s.outcome ? ` (${s.outcome})` : ''}`;
}

/** The action bar of a session; onDone(verb, session) after each one that worked. */
export function actionBar(ref, onDone) {
  const outcome = el('span', { id: 'action-outcome', testid: 'action-outcome', class: 'outcome' });
  const grace = el('input', { id: 'stop-grace', testid: 'stop-grace', type: 'number', min: '0', placeholder: 'grace ms', class: 'narrow' });
  const signal = el('select', { id: 'signal-name', testid: 'signal-name' }, SIGNALS.map((s) => el('option', { value: s }, s)));
  const line = el('input', { id: 'send-line', testid: 'send-line', type: 'text', placeholder: 'a line for stdin',
    onkeydown: (e) => { if (e.key === 'Enter') sendLine(); } });

  async function run(verb, call, describe) {
    outcome.textContent = `${verb}…`;
    outcome.className = 'outcome';
    outcome.dataset.verb = verb;
    delete outcome.dataset.done;
    try {
      const answer = await call();
      outcome.textContent = `${verb}: ${describe(answer)}`;
      outcome.dataset.done = 'ok';
      outcome.classList.add('green');
      onDone(verb, answer);
    } catch (e) {
      outcome.textContent = `${verb} failed: ${e.message}`;
      outcome.dataset.done = 'error';
      outcome.classList.add('red');
    }
  }

  const graceMs = () => (grace.value === '' ? {} : { graceMs: Number(grace.value) });
  const stop = () => run('stop', () => postJson(sessionPath(ref, '/stop'), { ...graceMs(), wait: true }), ended);
  const kill = () => run('kill', () => postJson(sessionPath(ref, '/kill')), (s) => `SIGKILL sent to the tree of pid ${s.pid}`);
  const restart = () => run('restart', () => postJson(sessionPath(ref, '/restart'), graceMs()), (s) => `restarting (${s.restarts} restarts so far)`);
  const start = () => run('start', () => postJson(sessionPath(ref, '/start')), (s) => fmt.stateLabel(s));
  const sendSignal = () => run('signal', () => postJson(sessionPath(ref, '/signal'), { signal: signal.value }), () => `SIG${signal.value} sent`);
  const sendLine = () => {
    const text = line.value;
    run('send', () => postBytes(sessionPath(ref, '/stdin'), new TextEncoder().encode(`${text}\n`)), (a) => `${a.written ?? text.length + 1} bytes written`);
    line.value = '';
  };
  const eof = () => run('eof', () => postJson(sessionPath(ref, '/stdin?eof=true')), () => 'stdin closed');
  const remove = () => run('remove', () => deleteJson(sessionPath(ref)), () => 'removed');

  return el('div', { class: 'actions', id: 'actions' },
    el('button', { id: 'action-stop', testid: 'action-stop', onclick: stop }, 'Stop'), grace,
    el('button', { id: 'action-kill', testid: 'action-kill', class: 'danger', onclick: kill }, 'Kill'),
    el('button', { id: 'action-restart', testid: 'action-restart', onclick: restart }, 'Restart'),
    el('button', { id: 'action-start', testid: 'action-start', onclick: start }, 'Start'),
    signal, el('button', { id: 'action-signal', testid: 'action-signal', onclick: sendSignal }, 'Signal'),
    line, el('button', { id: 'action-send', testid: 'action-send', onclick: sendLine }, 'Send'),
    el('button', { id: 'action-eof', testid: 'action-eof', onclick: eof }, 'EOF'),
    el('button', { id: 'action-remove', testid: 'action-remove', class: 'danger', onclick: remove }, 'Remove'),
    outcome);
}
