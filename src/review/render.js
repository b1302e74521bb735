// How pairs become rows: one row per pair, text cells with their language and direction, runs
// of the other direction isolated with <bdi>, and rows grouped in blocks built only when needed.
// Part of the page's script (see model.js).

const list = byId('pairs');
const countsEl = byId('counts');
const filterEl = byId('filter');
const minEl = byId('score-min');
const maxEl = byId('score-max');
const searchEl = byId('search');
const statusEl = byId('status');
const toolbar = byId('toolbar');
const emptyNote = document.createElement('p');
emptyNote.className = 'empty-note';
emptyNote.textContent = 'No pair matches the filter and search.';
emptyNote.hidden = true;

let current = -1; // index of the current pair
let currentRow = null;
let editing = null; // { row, before } while the translation of a pair is being edited

// Runs of the other direction, isolated with <bdi>: from a Latin letter or digit to the last
// one before the next right-to-left letter inside right-to-left text (names, numbers, code),
// and the mirror inside left-to-right text. A run starts and ends on a letter or digit, so
// brackets and quotes around it stay outside and pair up in the surrounding direction.
const LATIN_RUN = /[A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff](?:[^\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\n]*[A-Za-z0-9\u00c0-\u024f\u1e00-\u1eff%])?/g;
const ARABIC_RUN = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc](?:[^A-Za-z\u00c0-\u024f\u1e00-\u1eff\n]*[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc])?/g;

function appendIsolated(parent, text, dir) {
  const re = dir === 'rtl' ? LATIN_RUN : ARABIC_RUN;
  re.lastIndex = 0;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    const bdi = document.createElement('bdi');
    bdi.textContent = m[0];
    parent.append(bdi);
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

/** Fills a text cell; with several sentences each gets a span, so their limits show. Only
    text nodes are added (the joining spaces included), so textContent is the joined text. */
function fillText(cell, sentences, plain) {
  cell.textContent = '';
  if (plain) { cell.textContent = joined(sentences); return; }
  sentences.forEach((s, k) => {
    if (k) cell.append(' ');
    const holder = sentences.length > 1 ? cell.appendChild(document.createElement('span')) : cell;
    if (sentences.length > 1) holder.className = 's';
    appendIsolated(holder, s.text, cell.dir);
  });
}

function textCell(p, side) {
  const cell = document.createElement('div');
  cell.className = 'text ' + side;
  cell.lang = side === 'src' ? META.src_lang : META.tgt_lang;
  cell.dir = side === 'src' ? META.src_dir : META.tgt_dir;
  fillText(cell, side === 'src' ? p.src : p.tgt, false);
  return cell;
}

function makeRow(p, i) {
  const row = document.createElement('div');
  row.className = 'pair';
  const meta = document.createElement('div');
  meta.className = 'meta';
  const num = meta.appendChild(document.createElement('span'));
  num.className = 'num';
  num.textContent = String(i + 1);
  const score = meta.appendChild(document.createElement('span'));
  score.className = 'score' + (has(p, 'low-score') ? ' low' : '');
  score.title = 'score';
  const shown = score.appendChild(document.createElement('span'));
  shown.textContent = p.score === null ? '—' : p.score.toFixed(2);
  if (p.score !== null) score.style.setProperty('--s', String(Math.max(0, Math.min(1, p.score))));
  const kind = kindOf(p);
  if (kind !== '1-1') {
    const k = meta.appendChild(document.createElement('span'));
    k.className = 'kind';
    k.textContent = kind;
    k.title = p.src.length + ' source, ' + p.tgt.length + ' target sentences';
  }
  if (p.flags.length) {
    const chips = meta.appendChild(document.createElement('span'));
    chips.className = 'chips';
    for (const f of p.flags) {
      const chip = chips.appendChild(document.createElement('span'));
      chip.className = 'chip f-' + f;
      chip.textContent = f;
      chip.title = FLAG_HELP[f] || f;
    }
  }
  const src = textCell(p, 'src');
  const tgt = textCell(p, 'tgt');
  row.append(src, meta, tgt);
  row.classList.toggle('para', i > 0 && pairs[i - 1].paragraph !== p.paragraph);
  row.classList.toggle('confirmed', has(p, 'confirmed'));
  row.classList.toggle('rejected', has(p, 'rejected'));
  row._num = num;
  row._src = src;
  row._tgt = tgt;
  row._meta = meta;
  return row;
}

// Rows are grouped in blocks of BLOCK pairs. The browser skips blocks off screen
// (content-visibility), and a block's rows are only built when it nears the viewport or the
// page is idle, so a 10,000-pair page shows its first screen without building 10,000 rows.
const BLOCK = 50;
let rows = []; // rows[i] shows pairs[i]; null until its block is built
let shown = []; // shown[i]: pairs[i] passes the filter and the search
let blocks = []; // { el, count, built } in page order; the counts add up to pairs.length
let observer = null;
let metrics = null;

/** A rough height for a row not built yet, so the scrollbar is about right from the start. */
function estimate(p) {
  const ar = Math.ceil((joined(p.src).length || 1) / metrics.src) * metrics.srcLine;
  const en = Math.ceil((joined(p.tgt).length || 1) / metrics.tgt) * metrics.tgtLine;
  return Math.round(20 + (metrics.narrow ? 26 + ar + en : Math.max(62, ar, en)));
}

function measure() {
  const narrow = window.matchMedia('(max-width: 46rem)').matches;
  const width = list.clientWidth || 1200;
  const column = narrow ? width - 16 : (width - 120 - 48) / 2;
  const rtl = (dir) => dir === 'rtl';
  metrics = {
    narrow,
    src: Math.max(8, column / (rtl(META.src_dir) ? 9 : 7.6)), srcLine: rtl(META.src_dir) ? 36 : 26.5,
    tgt: Math.max(8, column / (rtl(META.tgt_dir) ? 9 : 7.6)), tgtLine: rtl(META.tgt_dir) ? 36 : 26.5,
  };
}

function renderAll() {
  if (observer) observer.disconnect();
  measure();
  rows = new Array(pairs.length).fill(null);
  shown = new Array(pairs.length).fill(true);
  blocks = [];
  currentRow = null;
  const frag = document.createDocumentFragment();
  for (let start = 0; start < pairs.length; start += BLOCK) {
    const el = document.createElement('div');
    el.className = 'block';
    const b = { el, count: Math.min(BLOCK, pairs.length - start), built: false };
    el._block = b;
    blocks.push(b);
    frag.append(el);
  }
  list.replaceChildren(frag, emptyNote);
  sizeBlocks();
  if (blocks.length) build(blocks[0]);
  if ('IntersectionObserver' in window) {
    observer = new IntersectionObserver((entries) => {
      for (const e of entries) if (e.isIntersecting) build(e.target._block);
    }, { rootMargin: '2000px 0px' });
    for (const b of blocks) if (!b.built) observer.observe(b.el);
  }
  buildWhenIdle();
}

function blockStart(block) {
  let start = 0;
  for (const b of blocks) { if (b === block) return start; start += b.count; }
  return -1;
}

function blockOf(i) {
  let start = 0;
  for (const b of blocks) { if (i < start + b.count) return b; start += b.count; }
  return null;
}

function build(b) {
  if (b.built) return;
  const start = blockStart(b);
  const frag = document.createDocumentFragment();
  let height = 0;
  for (let i = start; i < start + b.count; i++) {
    const row = makeRow(pairs[i], i);
    row.hidden = !shown[i];
    if (shown[i]) height += estimate(pairs[i]);
    rows[i] = row;
    frag.append(row);
  }
  // The first pair's text is timed by the browser (Element Timing): when the pairs show.
  if (start === 0 && rows[0] && !rows[0]._src.hasAttribute('elementtiming')) rows[0]._src.setAttribute('elementtiming', 'first-pair');
  b.el.append(frag);
  b.el.style.height = '';
  b.el.style.containIntrinsicSize = 'auto ' + height + 'px';
  b.built = true;
  if (observer) observer.unobserve(b.el);
}

/** The row of pair i, built if it was not. */
function rowOf(i) {
  if (i < 0 || i >= pairs.length) return null;
  if (!rows[i]) { const b = blockOf(i); if (b) build(b); }
  return rows[i];
}

function buildAll() { for (const b of blocks) build(b); }

/** Builds the remaining blocks a few at a time while the page is idle; then marks the page
    complete (the browser's own find-in-page sees every pair from then on). */
function buildWhenIdle() {
  const later = window.requestIdleCallback
    ? (f) => window.requestIdleCallback(f, { timeout: 300 })
    : (f) => setTimeout(() => f({ timeRemaining: () => 8, didTimeout: false }), 16);
  const work = (deadline) => {
    let next = blocks.find((b) => !b.built);
    while (next && (deadline.timeRemaining() > 3 || deadline.didTimeout)) {
      build(next);
      if (deadline.didTimeout) break;
      next = blocks.find((b) => !b.built);
    }
    if (blocks.some((b) => !b.built)) later(work);
    else {
      performance.mark('nazir-complete');
      document.documentElement.dataset.complete = 'true';
    }
  };
  delete document.documentElement.dataset.complete;
  later(work);
}

/** Blocks not built yet get the estimated height of their shown pairs; empty ones vanish. */
function sizeBlocks() {
  let start = 0;
  for (const b of blocks) {
    let any = false;
    let height = 0;
    for (let i = start; i < start + b.count; i++) {
      if (!shown[i]) continue;
      any = true;
      if (!b.built) height += estimate(pairs[i]);
    }
    b.el.hidden = !any;
    if (!b.built) b.el.style.height = height + 'px';
    start += b.count;
  }
}

/** Call before a change replaces `count` pairs at `at`: their rows must exist to be replaced. */
function prepareRows(at, count) {
  for (let k = 0; k < count; k++) rowOf(at + k);
}

/** After `pairs` changed: rows for the `added` pairs now at `at` replace the `removed` rows. */
function replaceRows(at, removed, added) {
  const old = rows.slice(at, at + removed);
  const fresh = [];
  for (let k = 0; k < added; k++) fresh.push(makeRow(pairs[at + k], at + k));
  rows.splice(at, removed, ...fresh);
  shown.splice(at, removed, ...fresh.map(() => true));
  const host = old[0].parentNode;
  for (const r of fresh) host.insertBefore(r, old[0]);
  host._block.count += added;
  for (const r of old) {
    if (r === currentRow) currentRow = null;
    r.parentNode._block.count -= 1;
    r.remove();
  }
  blocks = blocks.filter((b) => b.count > 0 || (b.el.remove(), false));
  for (let j = at + added; j < rows.length; j++) if (rows[j]) rows[j]._num.textContent = String(j + 1);
  const next = rows[at + added];
  if (next) next.classList.toggle('para', pairs[at + added - 1].paragraph !== pairs[at + added].paragraph);
}
