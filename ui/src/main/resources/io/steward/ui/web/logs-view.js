// A session's logs: a virtualised list (only the rows in sight are in the page), follow, search, download.
import { el } from './dom.js';
import { LogStore } from './log-store.js';

const ROW_PX = 18;
const POLL_MS = 300;

export function mount(pane, ref) {
  const store = new LogStore(ref);
  let lines = [];
  let shownVersion = -1;
  let which = 'both';
  let found = -1;

  const streamSelect = el('select', { id: 'log-stream', testid: 'log-stream', onchange: () => { which = streamSelect.value; shownVersion = -1; update(); } },
    el('option', { value: 'both' }, 'stdout + stderr'), el('option', { value: 'stdout' }, 'stdout'), el('option', { value: 'stderr' }, 'stderr'));
  const follow = el('input', { id: 'log-follow', testid: 'log-follow', type: 'checkbox', checked: true });
  const search = el('input', { id: 'log-search', testid: 'log-search', type: 'search', placeholder: 'search',
    onkeydown: (e) => { if (e.key === 'Enter') find(e.shiftKey ? -1 : 1); } });
  const status = el('span', { id: 'log-status', testid: 'log-status' });
  const searchStatus = el('span', { id: 'log-search-status', testid: 'log-search-status' });
  const spacer = el('div', { class: 'log-spacer' });
  const rows = el('div', { class: 'log-rows', id: 'log-rows', testid: 'log-rows' });
  const box = el('div', { class: 'log-box', id: 'log-box', testid: 'log-box', onscroll: () => { onScroll(); } }, spacer, rows);
  pane.append(el('div', { class: 'toolbar' }, streamSelect, el('label', {}, follow, ' follow'), search,
    el('button', { onclick: () => find(-1), title: 'previous match' }, '↑'), el('button', { onclick: () => find(1), testid: 'log-search-next', title: 'next match' }, '↓'),
    searchStatus, el('button', { id: 'log-download', testid: 'log-download', onclick: download }, 'Download'), status), box);

  let lastTop = 0;
  function onScroll() {
    // scrolling up by hand lets go of the end; back at the end, following goes on
    const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - ROW_PX;
    if (box.scrollTop < lastTop && !atEnd) follow.checked = false;
    else if (atEnd) follow.checked = true;
    lastTop = box.scrollTop;
    paint();
  }

  function update() {
    if (store.version !== shownVersion) {
      shownVersion = store.version;
      lines = store.view(which);
      spacer.style.height = `${lines.length * ROW_PX}px`;
      status.textContent = `${lines.length} lines${store.dropped ? `, ${store.dropped} bytes dropped` : ''}${store.eof ? ', ended' : ''}`;
      box.dataset.lines = String(lines.length);
    }
    if (follow.checked) {
      box.scrollTop = box.scrollHeight;
      lastTop = box.scrollTop;
    }
    paint();
  }

  function paint() {
    const first = Math.max(0, Math.floor(box.scrollTop / ROW_PX) - 20);
    const last = Math.min(lines.length, Math.ceil((box.scrollTop + box.clientHeight) / ROW_PX) + 20);
    const out = [];
    for (let i = first; i < last; i++) {
      const l = lines[i];
      out.push(el('div', { class: `log-line ${l.stream}${i === found ? ' found' : ''}`, dataset: { line: String(i) } }, l.text || '\u200b'));
    }
    rows.style.transform = `translateY(${first * ROW_PX}px)`;
    rows.replaceChildren(...out);
  }

  function find(step) {
    const needle = search.value.toLowerCase();
    if (!needle) return;
    const n = lines.length;
    const start = found < 0 ? (step > 0 ? 0 : n - 1) : found + step;
    for (let k = 0; k < n; k++) {
      const i = ((start + step * k) % n + n) % n;
      if (lines[i].text.toLowerCase().includes(needle)) {
        found = i;
        follow.checked = false;
        box.scrollTop = Math.max(0, i * ROW_PX - box.clientHeight / 2);
        lastTop = box.scrollTop;
        searchStatus.textContent = `line ${i + 1}`;
        searchStatus.dataset.line = String(i + 1);
        paint();
        return;
      }
    }
    found = -1;
    searchStatus.textContent = 'not found';
    delete searchStatus.dataset.line;
    paint();
  }

  function download() {
    const text = lines.map((l) => l.text).join('\n') + '\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = el('a', { href: url, download: `${ref}.${which === 'both' ? 'log' : which + '.log'}` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  let stopped = false;
  let timer = null;
  async function poll() {
    try {
      await store.readNew();
      update();
    } catch (e) {
      status.textContent = e.code === 'not-found' ? 'no such session' : `cannot read: ${e.message}`;
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }
  poll();
  return () => { stopped = true; clearTimeout(timer); };
}
