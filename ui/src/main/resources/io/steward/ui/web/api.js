// The daemon's /v1 API, from the page's own origin: the cookie the first load set rides along.

/** A refusal as the daemon words it: its stable code and its one-line detail. */
export class ApiError extends Error {
  constructor(status, code, detail) {
    super(`${code}: ${detail}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

/** The path of a session (its reference is one path segment). */
export function sessionPath(ref, rest = '') {
  return `/v1/sessions/${encodeURIComponent(ref)}${rest}`;
}

async function answer(response) {
  const type = response.headers.get('content-type') || '';
  const body = type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const code = body && body.code ? body.code : String(response.status);
    const detail = body && body.detail ? body.detail : (typeof body === 'string' ? body : response.statusText);
    throw new ApiError(response.status, code, detail);
  }
  return body;
}

export async function getJson(path) {
  return answer(await fetch(path, { headers: { accept: 'application/json' } }));
}

/** A POST with a JSON body (or none), answering the daemon's JSON. */
export async function postJson(path, body) {
  const init = { method: 'POST', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return answer(await fetch(path, init));
}

/** A POST of raw bytes (stdin). */
export async function postBytes(path, bytes) {
  return answer(await fetch(path, { method: 'POST', body: bytes, headers: { 'content-type': 'application/octet-stream' } }));
}

export async function deleteJson(path) {
  return answer(await fetch(path, { method: 'DELETE', headers: { accept: 'application/json' } }));
}

/** Base64 to bytes (the output endpoints' data). */
export function base64Bytes(text) {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
