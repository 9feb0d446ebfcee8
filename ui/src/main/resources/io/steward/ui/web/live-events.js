// One event stream for the whole page (SSE on /v1/events): views subscribe and unsubscribe.

// The named event types of the stream: an EventSource only hands named events to listeners of their name.
export const EVENT_TYPES = [
  'started', 'exited', 'ended', 'stolen', 'reloading', 'reaped', 'limit', 'memory-exceeded', 'leftover-killed',
  'daemon-stopping', 'daemon-upgraded', 'upgrade-failed', 'apply', 'saved', 'resurrected', 'dropped', 'backoff',
  'errored', 'restart-cancelled', 'restart-failed', 'ready', 'reloaded', 'status', 'stall', 'resumed', 'clock-gap',
  'restarted', 'recovered', 'recovery-refused', 'decode', 'auth-failure', 'origin-conflict', 'namespace-conflict',
  'ctrl-truncated', 'checkpointed', 'restored', 'checkpoint-failed', 'forked', 'exec', 'process-exited', 'opened',
  'written', 'created', 'deleted', 'moved', 'listening', 'connected', 'closed', 'suppressed', 'lost', 'message',
];

/** Opens an EventSource on url and calls onEvent with each event's JSON; answers the source. */
export function openEvents(url, onEvent, onState = () => {}) {
  const source = new EventSource(url);
  const handle = (e) => {
    try {
      onEvent(JSON.parse(e.data));
    } catch {
      // a comment or a line that is not JSON: nothing to show
    }
  };
  for (const type of EVENT_TYPES) source.addEventListener(type, handle);
  source.onopen = () => onState(true);
  source.onerror = () => onState(source.readyState === EventSource.OPEN);
  return source;
}

const listeners = new Set();
let shared = null;

function connect() {
  const live = document.getElementById('live');
  let opened = false;
  shared = openEvents('/v1/events?category=lifecycle,heartbeat,daemon', (event) => {
    for (const l of listeners) l(event);
  }, (open) => {
    if (!live) return;
    live.textContent = open ? 'live' : 'reconnecting';
    live.className = open ? 'live on' : 'live off';
    // after a break, what happened meanwhile is read again; the first opening has nothing to catch up on
    if (open && opened) for (const l of listeners) l({ type: 'reconnected' });
    if (open) opened = true;
  });
}

/** Calls listener with every event from now on; answers the function that stops it. */
export function subscribe(listener) {
  if (!shared) connect();
  listeners.add(listener);
  return () => listeners.delete(listener);
}
