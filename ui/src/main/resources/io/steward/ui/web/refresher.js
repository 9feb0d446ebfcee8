// Coalesced reloading: many triggers while a load runs cause one more load after it, never several at once.

/** Answers trigger(): calls load() now, or once more after the load under way; stop() ends it. */
export function refresher(load, everyMs) {
  let inflight = false;
  let again = false;
  let stopped = false;
  const trigger = async () => {
    if (stopped) return;
    if (inflight) { again = true; return; }
    inflight = true;
    try {
      await load();
    } finally {
      inflight = false;
      if (again && !stopped) { again = false; trigger(); }
    }
  };
  const timer = everyMs ? setInterval(trigger, everyMs) : null;
  trigger.stop = () => { stopped = true; if (timer) clearInterval(timer); };
  return trigger;
}
