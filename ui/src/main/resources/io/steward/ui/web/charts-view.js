// CPU and memory of a session over the last hour, from the daemon's samples, drawn with uPlot.
import uPlot from './vendor/uplot-1.6.32/uPlot.esm.js';
import { getJson, sessionPath } from './api.js';
import { el } from './dom.js';
import * as fmt from './format.js';

// at most this often, and at least as often as the daemon samples
const REFRESH_MS = 5000;

/** The samples route's columns (atMs, cpuPercent, rssBytes, oldest first) as uPlot's series: seconds, %, bytes. */
export function series(answer) {
  return {
    t: (answer.atMs || []).map((ms) => ms / 1000),
    cpu: answer.cpuPercent || [],
    rss: answer.rssBytes || [],
  };
}

export function mount(pane, ref) {
  const note = el('p', { id: 'charts-status', testid: 'charts-status', class: 'dim' }, 'loading samples');
  let period = 10000;
  const cpuBox = el('div', { id: 'chart-cpu', testid: 'chart-cpu', class: 'chart' });
  const memBox = el('div', { id: 'chart-mem', testid: 'chart-mem', class: 'chart' });
  pane.append(note, el('h3', {}, 'CPU (% of one core)'), cpuBox, el('h3', {}, 'Memory (resident, whole tree)'), memBox);
  const width = () => Math.max(300, pane.clientWidth - 20);
  const opts = (label, value) => ({
    width: width(), height: 200, legend: { show: true },
    series: [{}, { label, stroke: '#2b7bd6', fill: 'rgba(43,123,214,0.15)', points: { show: false }, value: (u, v) => (v === null ? '-' : value(v)) }],
    axes: [{}, { values: (u, vals) => vals.map(value), size: 70 }],
  });
  const cpuChart = new uPlot(opts('CPU', (v) => `${v.toFixed(1)}%`), [[], []], cpuBox);
  const memChart = new uPlot(opts('RSS', (v) => fmt.bytes(v)), [[], []], memBox);
  const resize = () => { cpuChart.setSize({ width: width(), height: 200 }); memChart.setSize({ width: width(), height: 200 }); };
  window.addEventListener('resize', resize);

  async function load() {
    try {
      const answer = await getJson(sessionPath(ref, '/samples'));
      period = answer.periodMs || period;
      const { t, cpu, rss } = series(answer);
      cpuChart.setData([t, cpu]);
      memChart.setData([t, rss]);
      note.textContent = t.length ? `${t.length} samples, one per ${fmt.duration(period)}, since ${new Date(t[0] * 1000).toLocaleTimeString()}` : `no samples yet (one per ${fmt.duration(period)})`;
      pane.dataset.samples = String(t.length);
    } catch (e) {
      note.textContent = `no samples: ${e.message}`;
    }
  }
  let timer = null;
  let stopped = false;
  const loop = async () => {
    await load();
    if (!stopped) timer = setTimeout(loop, Math.min(REFRESH_MS, period));
  };
  loop();
  return () => { stopped = true; clearTimeout(timer); window.removeEventListener('resize', resize); cpuChart.destroy(); memChart.destroy(); };
}
