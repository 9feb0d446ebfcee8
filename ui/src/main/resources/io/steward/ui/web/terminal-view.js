// A session's terminal: xterm.js on the attach WebSocket, as a writer or a read-only watcher, sized to the window.
import { Terminal } from './vendor/xterm-6.0.0/xterm.mjs';
import { FitAddon } from './vendor/addon-fit-0.11.0/addon-fit.mjs';
import { el } from './dom.js';
import { sessionPath } from './api.js';

const encoder = new TextEncoder();

export function mount(pane, ref) {
  const status = el('span', { id: 'term-status', testid: 'term-status' }, 'connecting');
  const mode = el('select', { id: 'term-mode', testid: 'term-mode', onchange: () => connect(false) },
    el('option', { value: 'write' }, 'type'), el('option', { value: 'watch' }, 'watch (read-only)'));
  const steal = el('button', { id: 'term-steal', testid: 'term-steal', onclick: () => { mode.value = 'write'; connect(true); } }, 'Steal');
  const host = el('div', { id: 'terminal', testid: 'terminal', class: 'terminal' });
  pane.append(el('div', { class: 'toolbar' }, mode, steal, status), host);

  const term = new Terminal({ fontSize: 13, scrollback: 5000, cursorBlink: true, allowProposedApi: false,
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace' });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  let socket = null;
  let pty = false; // only a terminal session has a size to follow; the hello says which it is

  const showSize = () => { host.dataset.size = `${term.rows}x${term.cols}`; };
  const sendSize = () => {
    if (pty && socket && socket.readyState === WebSocket.OPEN && mode.value === 'write') {
      socket.send(JSON.stringify({ type: 'resize', rows: term.rows, cols: term.cols }));
    }
  };
  term.onResize(() => { showSize(); sendSize(); });
  term.onData((data) => {
    if (!socket || socket.readyState !== WebSocket.OPEN || mode.value !== 'write') return;
    if (pty) {
      socket.send(encoder.encode(data));
      return;
    }
    // pipes have no line discipline: Enter is a newline, and what is typed is shown here
    const text = data.replace(/\r/g, '\n');
    term.write(text);
    socket.send(encoder.encode(text));
  });
  term.onBinary((data) => {
    if (socket && socket.readyState === WebSocket.OPEN && mode.value === 'write') {
      socket.send(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff));
    }
  });
  const refit = () => { try { fit.fit(); } catch { /* not laid out yet */ } };
  const observer = new ResizeObserver(refit);
  observer.observe(host);
  refit();
  showSize();

  function say(text, kind = '') {
    status.textContent = text;
    status.className = kind;
  }

  function connect(stealing) {
    if (socket) {
      socket.onclose = null;
      socket.close(1000);
    }
    const query = mode.value === 'watch' ? '?readOnly=true' : stealing ? '?steal=true' : '';
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${sessionPath(ref, '/attach')}${query}`;
    term.reset();
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    let hello = false;
    say('connecting');
    ws.onmessage = (e) => {
      if (typeof e.data === 'string') {
        const m = JSON.parse(e.data);
        if (m.type === 'hello') {
          hello = true;
          pty = m.kind === 'pty';
          // a pipe session's output has bare newlines, which a terminal only moves down on
          term.options.convertEol = !pty;
          sendSize();
          say(mode.value === 'watch' ? 'watching' : 'attached', 'green');
          host.dataset.attached = mode.value;
          term.focus();
        }
        else if (m.type === 'stolen') say('another client took the terminal: Steal to take it back', 'red');
        else if (m.type === 'exit') say(`ended: ${m.signal ? 'killed ' + m.signal : 'exited ' + m.exitCode}`, 'dim');
        else if (m.type === 'restarted') say(`restarted as pid ${m.pid}`, 'yellow');
        else if (m.type === 'dropped') term.write(`\r\n[${m.bytes} bytes dropped]\r\n`);
        else if (m.type === 'error') say(`${m.code}: ${m.detail}`, 'red');
        return;
      }
      // an event on the terminal's element once xterm has the bytes in its buffer: how a measurement
      // of typing (key to echo) sees the echo arrive without reaching into the view
      const bytes = new Uint8Array(e.data, 1);
      term.write(bytes, () => host.dispatchEvent(new CustomEvent('terminal-written', { detail: bytes })));
    };
    ws.onclose = (e) => {
      delete host.dataset.attached;
      if (!hello) say('refused: another client is attached (Steal, or watch read-only)', 'red');
      else if (e.code === 4001) say('another client took the terminal: Steal to take it back', 'red');
      else if (status.textContent === 'attached' || status.textContent === 'watching') say(`detached (${e.code})`, 'dim');
    };
  }

  connect(false);
  return () => {
    observer.disconnect();
    if (socket) { socket.onclose = null; socket.close(1000); }
    term.dispose();
  };
}
