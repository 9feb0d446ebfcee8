// The form that starts a session: command, name, terminal, restart policy, environment, working directory.
import { postJson } from './api.js';
import { el, clear } from './dom.js';
import * as fmt from './format.js';

/** Words of a command line as a shell splits them: spaces, and '...' or "..." or \ to keep them. */
export function words(line) {
  const out = [];
  let word = null;
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') { quote = c; word = word ?? ''; }
    else if (c === '\\' && i + 1 < line.length) { word = (word ?? '') + line[++i]; }
    else if (/\s/.test(c)) { if (word !== null) { out.push(word); word = null; } }
    else word = (word ?? '') + c;
  }
  if (quote) throw new Error(`command: a ${quote} is not closed`);
  if (word !== null) out.push(word);
  return out;
}

function env(text) {
  const out = {};
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`env line ${n + 1}: expected NAME=value`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export function mount(view) {
  const field = (label, input) => el('label', { class: 'field' }, el('span', {}, label), input);
  const command = el('input', { id: 'new-command', testid: 'new-command', type: 'text', required: true, placeholder: "sh -c 'echo hi; sleep 60'", autofocus: true });
  const name = el('input', { id: 'new-name', testid: 'new-name', type: 'text', placeholder: 'optional' });
  const pty = el('input', { id: 'new-pty', testid: 'new-pty', type: 'checkbox' });
  const restart = el('select', { id: 'new-restart', testid: 'new-restart' }, ['never', 'on-failure', 'always'].map((r) => el('option', { value: r }, r)));
  const envText = el('textarea', { id: 'new-env', testid: 'new-env', rows: 3, placeholder: 'NAME=value, one a line' });
  const cwd = el('input', { id: 'new-cwd', testid: 'new-cwd', type: 'text', placeholder: "absolute; the daemon's when empty" });
  const error = el('p', { id: 'new-error', testid: 'new-error', class: 'red' });
  const form = el('form', { id: 'new-session', class: 'form', onsubmit: submit },
    field('Command', command), field('Name', name), field('Terminal (pty)', pty), field('Restart', restart),
    field('Environment', envText), field('Working directory', cwd),
    el('button', { type: 'submit', id: 'new-submit', testid: 'new-submit' }, 'Start'), error);
  view.append(el('h2', {}, 'New session'), form);

  async function submit(e) {
    e.preventDefault();
    error.textContent = '';
    try {
      const argv = words(command.value);
      if (argv.length === 0) throw new Error('command: empty');
      const body = { argv, env: env(envText.value) };
      if (name.value.trim()) body.name = name.value.trim();
      if (pty.checked) body.pty = true;
      if (restart.value !== 'never') body.restart = restart.value;
      if (cwd.value.trim()) body.cwd = cwd.value.trim();
      const s = await postJson('/v1/sessions', body);
      location.hash = `#/s/${encodeURIComponent(fmt.ref(s))}/${pty.checked ? 'terminal' : 'logs'}`;
    } catch (err) {
      error.textContent = err.message;
    }
  }
  return () => clear(view);
}
