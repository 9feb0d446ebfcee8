// A session as a person reads it: the same words and colours as `steward ls` (the CLI's SessionView).

export function running(s) {
  return s.phase === 'running';
}

/** The state as `ls` shows it: running, starting, stalled, blocked, reloading, stopping, ..., exited 0, killed TERM. */
export function stateLabel(s) {
  switch (s.state) {
    case 'running':
      if (s.stopping) return 'stopping';
      if (s.stalled) return 'stalled';
      if (s.blocked) return 'blocked';
      if (s.ready === false) return 'starting';
      if (s.reloading === true) return 'reloading';
      return 'running';
    case 'stopping': case 'recovering': case 'restarting': case 'errored':
      return s.state;
    case 'backoff': case 'starting':
      return 'restarting';
    default:
      if (s.outcome === 'checkpointed') return 'checkpointed';
      return s.signal ? `killed ${s.signal}` : `exited ${s.exitCode}`;
  }
}

/** The colour `ls` gives the state: green while running, red when stalled or failed, dim for a clean end. */
export function stateColour(s) {
  const label = stateLabel(s);
  if (running(s)) return label === 'stalled' ? 'red' : 'green';
  return label === 'exited 0' || label === 'checkpointed' ? 'dim' : 'red';
}

export function lastExit(s) {
  const last = s.lastExit;
  if (!last) return '-';
  return last.signal ? `killed ${last.signal}` : `exited ${last.exitCode}`;
}

/** Milliseconds as `ls` writes durations: 340ms, 12s, 3m4s, 1h5m, 2d3h. */
export function duration(ms) {
  if (ms === null || ms === undefined) return '-';
  if (ms < 1000) return `${ms}ms`;
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  if (d > 0) return `${d}d${h ? h + 'h' : ''}`;
  if (h > 0) return `${h}h${m ? m + 'm' : ''}`;
  if (m > 0) return `${m}m${s ? s + 's' : ''}`;
  return `${s}s`;
}

/** Bytes as B, K, M, G with one decimal under ten. */
export function bytes(n) {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  if (u === 0) return `${Math.round(v)}B`;
  return v >= 10 ? `${Math.round(v)}${units[u]}` : `${(Math.round(v * 10) / 10).toFixed(1)}${units[u]}`;
}

/** Heartbeat state: stalled, ready, not ready, the last beat's status, or '-' for a session nothing watches. */
export function heartbeat(s, agent) {
  if (s.stalled) return 'stalled';
  if (agent && agent.status) return agent.status;
  if (s.ready === true) return 'ready';
  if (s.ready === false) return 'not ready';
  return s.lastBeatAgeMs !== null && s.lastBeatAgeMs !== undefined ? 'beating' : '-';
}

export function command(argv) {
  return (argv || []).map((a) => (a === '' || /[\s'"\\$`!*?;&|<>(){}]/.test(a) ? `'${a.replaceAll("'", "'\\''")}'` : a)).join(' ');
}

/** What a session is called in addresses and titles: its name, else its id. */
export function ref(s) {
  return s.name || s.id;
}

export function time(iso) {
  if (!iso) return '-';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString();
}
