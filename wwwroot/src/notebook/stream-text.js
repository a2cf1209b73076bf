// The text of one stream output (stdout or stderr) as a terminal would show it, bounded: carriage
// returns rewrite the current line in place (tqdm, training logs), and only a head and a tail of the
// lines are kept, counting what fell in between, so a million lines cost the same memory as a
// thousand. Pure: no DOM, tested in isolation (wwwroot/test/stream-text.test.mjs).

export const HEAD_LINES = 200;
export const TAIL_LINES = 800;
export const MAX_LINE_CHARS = 10_000;
const NOTE_ROOM = 100; // characters for "… N more characters on this line not shown"

export class StreamText {
  constructor({ headLines = HEAD_LINES, tailLines = TAIL_LINES, maxLineChars = MAX_LINE_CHARS } = {}) {
    this.headLines = headLines;
    this.tailLines = tailLines;
    this.maxLineChars = maxLineChars;
    this.head = [];
    this.tail = [];
    this.current = '';
    this.currentDropped = 0; // characters of the current line past maxLineChars
    this.carriageReturn = false; // a \r was seen: the next text replaces the current line
    this.omittedLines = 0;
    this.omittedChars = 0;
    this.totalLines = 0;
  }

  append(text) {
    if (!text) return;
    const parts = text.split('\n');
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) this.#finishLine();
      const segments = parts[i].split('\r');
      for (let j = 0; j < segments.length; j++) {
        if (j > 0) this.carriageReturn = true;
        const segment = segments[j];
        if (segment.length === 0) continue;
        if (this.carriageReturn) { this.current = ''; this.currentDropped = 0; this.carriageReturn = false; }
        this.#addToLine(segment);
      }
    }
  }

  #addToLine(segment) {
    if (this.currentDropped === 0 && this.current.length + segment.length <= this.maxLineChars) {
      this.current += segment;
      return;
    }
    // A cut line keeps room for its note within maxLineChars, so the stored line, read back after a
    // reload, is not cut a second time.
    const keep = this.maxLineChars - Math.min(NOTE_ROOM, Math.floor(this.maxLineChars / 2));
    const combined = this.current.length + segment.length;
    this.current = this.current.length < keep ? this.current + segment.slice(0, keep - this.current.length) : this.current.slice(0, keep);
    this.omittedChars += combined - this.current.length;
    this.currentDropped += combined - this.current.length;
  }

  /** The current line as shown: a cut line says so, or a student would take it for the whole. */
  get #shownCurrent() {
    return this.currentDropped > 0
      ? `${this.current} … ${this.currentDropped.toLocaleString('en')} more characters on this line not shown`
      : this.current;
  }

  #finishLine() {
    const line = this.#shownCurrent;
    this.current = '';
    this.currentDropped = 0;
    this.carriageReturn = false;
    this.totalLines++;
    if (this.head.length < this.headLines) { this.head.push(line); return; }
    this.tail.push(line);
    // Trim in batches so appending stays O(1) amortised.
    if (this.tail.length > this.tailLines * 2) {
      const cut = this.tail.length - this.tailLines;
      this.omittedLines += cut;
      this.tail.splice(0, cut);
    }
  }

  /** Lines dropped between head and tail (what the page does not show). */
  get hiddenLines() {
    return this.omittedLines + Math.max(0, this.tail.length - this.tailLines);
  }

  headText() {
    const text = this.head.join('\n');
    const trailing = this.tail.length === 0 && this.hiddenLines === 0;
    if (!trailing) return text + '\n';
    return this.head.length ? text + '\n' + this.#shownCurrent : this.#shownCurrent;
  }

  tailText() {
    if (this.tail.length === 0 && this.hiddenLines === 0) return '';
    const tail = this.tail.length > this.tailLines ? this.tail.slice(this.tail.length - this.tailLines) : this.tail;
    return tail.join('\n') + '\n' + this.#shownCurrent;
  }

  /** The text as stored in the notebook: head, a marker when lines were dropped, tail. */
  toString() {
    const hidden = this.hiddenLines;
    const marker = hidden > 0 ? `… ${hidden.toLocaleString('en')} lines not shown …\n` : '';
    return this.headText() + marker + this.tailText();
  }
}
