// A session's output as lines, read from the logs endpoint by cursor (both streams, in arrival order).
import { getJson, base64Bytes, sessionPath } from './api.js';

const MAX_LINES = 200000;
const READ_BYTES = 1048576;

export class LogStore {
  constructor(ref) {
    this.ref = ref;
    this.cursors = { stdout: 0, stderr: 0 };
    this.lines = []; // {stream, text}
    this.open = new Map(); // stream -> the unfinished last line
    this.decoders = new Map();
    this.dropped = 0;
    this.eof = false;
    this.version = 0; // moves on with every change, for the view
  }

  /** Reads everything new (in several reads while more is there); answers whether anything came. */
  async readNew() {
    let got = false;
    for (let round = 0; round < 64; round++) {
      const page = await getJson(sessionPath(this.ref, `/logs?stdout=${this.cursors.stdout}&stderr=${this.cursors.stderr}&max=${READ_BYTES}`));
      for (const piece of page.pieces) {
        this.dropped += piece.dropped || 0;
        if (piece.data) {
          this.take(piece.stream, base64Bytes(piece.data));
          got = true;
        }
      }
      this.cursors = { stdout: page.next.stdout ?? this.cursors.stdout, stderr: page.next.stderr ?? this.cursors.stderr };
      this.eof = page.eof;
      const end = page.end || {};
      if (!((end.stdout ?? 0) > this.cursors.stdout || (end.stderr ?? 0) > this.cursors.stderr) || page.pieces.length === 0) break;
    }
    if (got) this.version++;
    return got;
  }

  take(stream, bytes) {
    let decoder = this.decoders.get(stream);
    if (!decoder) {
      decoder = new TextDecoder('utf-8');
      this.decoders.set(stream, decoder);
    }
    // terminal output: carriage returns and colour codes mean nothing in a list of lines
    const text = decoder.decode(bytes, { stream: true }).replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r/g, '');
    const parts = text.split('\n');
    parts[0] = (this.open.get(stream) || '') + parts[0];
    const last = parts.pop();
    for (const line of parts) this.lines.push({ stream, text: line });
    this.open.set(stream, last);
    if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
  }

  /** The lines of the streams shown ('both', 'stdout', 'stderr'), the unfinished last ones too. */
  view(which) {
    const keep = (l) => which === 'both' || l.stream === which || (which === 'stdout' && l.stream === 'pty');
    const out = this.lines.filter(keep);
    for (const [stream, text] of this.open) {
      if (text && keep({ stream })) out.push({ stream, text });
    }
    return out;
  }
}
