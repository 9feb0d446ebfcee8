// The page's router: #/sessions, #/s/NAME/logs|terminal|charts|events, #/new, #/capabilities, #/heartbeats, #/health.
// Each view's module is loaded when first shown, so the sessions page does not wait for xterm.js or uPlot.

const main = document.getElementById('view');
let unmount = () => {};
let shown = 0;

const ROUTES = {
  sessions: async (view) => (await import('./sessions-view.js')).mount(view),
  s: async (view, ref, tab) => (await import('./session-view.js')).mount(view, ref, tab || 'logs'),
  new: async (view) => (await import('./new-session-view.js')).mount(view),
  capabilities: async (view) => (await import('./info-views.js')).capabilities(view),
  heartbeats: async (view) => (await import('./info-views.js')).heartbeats(view),
  health: async (view) => (await import('./info-views.js')).health(view),
};

async function route() {
  const parts = (location.hash.replace(/^#\/?/, '') || 'sessions').split('/').map(decodeURIComponent);
  const name = ROUTES[parts[0]] && (parts[0] !== 's' || parts[1]) ? parts[0] : 'sessions';
  const turn = ++shown;
  unmount();
  unmount = () => {};
  // a box of its own: a view still loading when another is asked for fills a box no longer shown
  const view = document.createElement('div');
  main.replaceChildren(view);
  document.body.dataset.route = name;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.route === name);
  const done = await ROUTES[name](view, ...parts.slice(1));
  if (turn === shown) {
    unmount = done;
  } else {
    done(); // another route was asked for while this one loaded
  }
}

window.addEventListener('hashchange', route);
route();
