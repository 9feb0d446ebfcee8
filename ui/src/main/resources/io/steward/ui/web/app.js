// The page's router: #/sessions, #/s/NAME/logs|terminal|charts|events, #/new, #/capabilities, #/heartbeats, #/health.
import * as sessions from './sessions-view.js';
import * as session from './session-view.js';
import * as newSession from './new-session-view.js';
import * as info from './info-views.js';

const view = document.getElementById('view');
let unmount = () => {};

function route() {
  const parts = (location.hash.replace(/^#\/?/, '') || 'sessions').split('/').map(decodeURIComponent);
  unmount();
  view.replaceChildren();
  let name = parts[0];
  if (name === 's' && parts[1]) {
    unmount = session.mount(view, parts[1], parts[2] || 'logs');
  } else if (name === 'new') {
    unmount = newSession.mount(view);
  } else if (name === 'capabilities') {
    unmount = info.capabilities(view);
  } else if (name === 'heartbeats') {
    unmount = info.heartbeats(view);
  } else if (name === 'health') {
    unmount = info.health(view);
  } else {
    name = 'sessions';
    unmount = sessions.mount(view);
  }
  document.body.dataset.route = name;
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.route === name);
}

window.addEventListener('hashchange', route);
route();
