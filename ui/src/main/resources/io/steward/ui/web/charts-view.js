// CPU and memory of a session over the last hour, from the daemon's samples, drawn with uPlot.
import uPlot from './vendor/uplot-1.6.32/uPlot.esm.js';
import { getJson, sessionPath } from './api.js';
import { el } from './dom.js';
import * as fmt from './format.js';

const REFRESH_MS = 5000;

/** The samples as [seconds], [cpu %], [rss bytes], whatever names the fields carry. */
export function series(answer) {
  const samples = Array.isArray(answer) ? answer : answer.samples || [];
  const t = [];
  const cpu = [];
  const rss = [];
  let previous = null;
  for (const s of samples) {
    const ms = s.epochMs ?? s.atMs ?? (s.at ? Date.parse(s.at) : s.t);
    const cpuMs = s.treeCpuMs ?? s.cpuMs;
    let percent = s.cpuPercent ?? s.cpu ?? null;
    if (percent === null && previous && cpuMs !== undefined && ms > previous.ms) {
      percent = Math.max(0, ((cpuMs - previous.cpuMs) / (ms - previous.ms)) * 100);
    }
    previous = { ms, cpuMs };
    t.push(ms / 1000);
    cpu.push(percent);
    rss.push(s.treeRssBytes ?? s.rssBytes ?? s.rss ?? null);
  }
  return { t, cpu, rss };
}

export function mount(pane, ref) {
  const note = el('p', { id: 'charts-status', testid: 'charts-status', class: 'dim' }, 'loading samples');
  const cpuBox = el('div', { id: 'chart-cpu', testid: 'chart-cpu', class: 'chart' });
  const memBox = el('div', { id: 'chart-mem', testid: 'chart-mem', class: 'chart' });
  pane.append(note, el('h3', {}, 'CPU (% of one core)'), cpuBox, el('h3', {}, 'Memory (resident, whole tree)'), memBox);
  const width = () => Math.max(300, pane.clientWidth - 20);
  const opts = (label, value) => ({
    width: width(), height: 200, legend: { show: true },
    series: [{}, { label, stroke: '#2b7bd6', fill: 'rgba(43,123,214,0.15)', value: (u, v) => (v === null ? '-' : value(v)) }],
    axes: [{}, { values: (u, vals) => vals.map(value), size: 70 }],
  });
  const cpuChart = new uPlot(opts('CPU', (v) => `${v.toFixed(1)}%`), [[], []], cpuBox);
  const memChart = new uPlot(opts('RSS', (v) => fmt.bytes(v)), [[], []], memBox);
  const resize = () => { cpuChart.setSize({ width: width(), height: 200 }); memChart.setSize({ width: width(), height: 200 }); };
  window.addEventListener('resize', resize);

  async function load() {
    try {
      const { t, cpu, rss } = series(await getJson(sessionPath(ref, '/samples')));
      cpuChart.setData([t, cpu]);
      memChart.setData([t, rss]);
      note.textContent = t.length ? `${t.length} samples since ${new Date(t[0] * 1000).toLocaleTimeString()}` : 'no samples yet';
      pane.dataset.samples = String(t.length);
    } catch (e) {
      note.textContent = `no samples: ${e.message}`;
    }
  }
  load();
  const timer = setInterval(load, REFRESH_MS);
  return () => { clearInterval(timer); window.removeEventListener('resize', resize); cpuChart.destroy(); memChart.destroy(); };
}
