// The review page itself: renders the pairs, filters and searches them, moves between them by
// keyboard, records a reviewer's changes (kept in localStorage under a key made from the
// document's content) and offers the exports as downloads. Text reaches the page only through
// text nodes and textContent, never through HTML parsing. Part of the page's script (see model.js).

const FLAG_HELP = {
  'low-score': 'the model was unsure of this translation',
  'length-ratio': 'one side is much longer or shorter than usual for this document',
  'number-mismatch': 'the numbers differ between the two sides',
  'untranslated': 'the translation repeats the source or is not in the target language',
  'split-for-model': 'the source was too long for the model and was translated in pieces',
  'not-1-1': 'not one sentence on each side',
  'edited': 'changed on this page',
  'confirmed': 'a reviewer accepted this pair',
  'rejected': 'a reviewer rejected this pair',
};

const BASE = ORIGINAL.map(fromBead);
let pairs = BASE.slice();
let ops = []; // the changes, as stored
let changes = []; // for each op: { at, removed, added }
const splice = (at, count, items) => { pairs.splice(at, count, ...items); };

// ---- Saving: the list of changes, replayed on load.

let storageWarned = false;
function save() {
  try {
    if (ops.length) localStorage.setItem(STORE_KEY, JSON.stringify({ v: 1, ops }));
    else localStorage.removeItem(STORE_KEY);
  } catch (e) {
    if (!storageWarned) say('This browser does not keep changes for this page (' + e.name + '): export before closing it.', true);
    storageWarned = true;
  }
}

function restore() {
  let saved = null;
  try { saved = JSON.parse(localStorage.getItem(STORE_KEY) || 'null'); } catch (e) { saved = null; }
  if (!saved || !Array.isArray(saved.ops)) return;
  let dropped = 0;
  for (const op of saved.ops) {
    if (dropped) { dropped++; continue; }
    try {
      const ch = plan(pairs, op);
      splice(ch.at, ch.removed.length, ch.added);
      ops.push(op);
      changes.push(ch);
    } catch (e) { dropped = 1; }
  }
  if (dropped) save();
  if (ops.length || dropped) {
    say('Restored ' + ops.length + ' change' + (ops.length === 1 ? '' : 's') + ' kept in this browser'
      + (dropped ? '; ' + dropped + ' could not be applied and were dropped' : '') + '.', Boolean(dropped));
  }
}

// ---- Filter, search, counts.

/** Text for search: lower case, Arabic diacritics and tatweel dropped, alef forms, final yeh
    and teh marbuta unified, Eastern digits as ASCII, so a plain query finds vocalised text. */
function fold(text) {
  return text.normalize('NFKC').toLowerCase()
    .replace(/[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا').replace(/ى/g, 'ي').replace(/ة/g, 'ه')
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x660))
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x6f0));
}
const haystacks = new WeakMap();
function haystack(p) {
  let h = haystacks.get(p);
  if (h === undefined) { h = fold(joined(p.src) + '\n' + joined(p.tgt)); haystacks.set(p, h); }
  return h;
}

const FILTERS = [
  ['all', 'All pairs', () => true],
  ['review', 'To review', (p) => needsLook(p) && !decided(p), 'flagged and not yet confirmed or rejected'],
  ['flagged', 'Flagged', needsLook, 'with any flag a reviewer should check'],
  ['undecided', 'Undecided', (p) => !decided(p), 'not yet confirmed or rejected'],
  ...META.flags.map((f) => ['flag:' + f, f, (p) => has(p, f), FLAG_HELP[f]]),
];
const FILTER_TEST = new Map(FILTERS.map(([v, , test]) => [v, test]));

function buildFilterOptions() {
  const flags = document.createElement('optgroup');
  flags.label = 'With the flag';
  for (const [value, label, , help] of FILTERS) {
    const o = document.createElement('option');
    o.value = value;
    o.dataset.label = label;
    o.textContent = label;
    if (help) o.title = help;
    (value.startsWith('flag:') ? flags : filterEl).append(o);
  }
  filterEl.append(flags);
}

function readScore(el, fallback) {
  const v = parseFloat(el.value);
  return Number.isFinite(v) ? v : fallback;
}

function visibleTest() {
  const test = FILTER_TEST.get(filterEl.value) || FILTER_TEST.get('all');
  const lo = readScore(minEl, 0);
  const hi = readScore(maxEl, 1);
  const full = lo <= 0 && hi >= 1;
  const q = fold(searchEl.value.trim());
  return (p) => test(p)
    && (full || (p.score !== null && p.score >= lo && p.score <= hi))
    && (!q || haystack(p).includes(q));
}

function applyFilter() {
  const show = visibleTest();
  let count = 0;
  for (let i = 0; i < pairs.length; i++) {
    const v = show(pairs[i]);
    shown[i] = v;
    if (rows[i] && rows[i].hidden === v) rows[i].hidden = !v;
    if (v) count++;
  }
  sizeBlocks();
  updateCounts(count);
  if (current >= 0 && !shown[current]) {
    setCurrent(step(current, 1, () => true) ?? step(current, -1, () => true) ?? -1, false);
  } else if (current < 0 && count) {
    setCurrent(step(-1, 1, () => true) ?? -1, false);
  }
  emptyNote.hidden = count > 0;
}

function updateCounts(count) {
  const counts = new Map(FILTERS.map(([v]) => [v, 0]));
  for (const p of pairs) for (const [v, , test] of FILTERS) if (test(p)) counts.set(v, counts.get(v) + 1);
  for (const o of filterEl.options) o.textContent = o.dataset.label + ' (' + counts.get(o.value) + ')';
  const parts = [
    pairs.length + ' pairs',
    counts.get('flagged') + ' flagged',
    counts.get('flag:confirmed') + ' confirmed',
    counts.get('flag:rejected') + ' rejected',
    counts.get('flag:edited') + ' edited',
  ];
  if (count !== pairs.length) parts.push('showing ' + count);
  countsEl.textContent = parts.join(' · ');
  byId('undo').disabled = !ops.length;
  byId('discard').disabled = !ops.length;
}

// ---- The current pair and moving around.

const actions = document.createElement('span');
actions.className = 'chips actions';
for (const [key, label, title] of [
  ['c', '✓', 'Confirm (c)'], ['x', '✗', 'Reject (x)'], ['e', 'Edit', 'Edit the translation (e)'],
  ['m', 'Merge', 'Merge with the next pair (m)'], ['s', 'Split', 'Split at the cursor (s)'],
]) {
  const b = actions.appendChild(document.createElement('button'));
  b.type = 'button';
  b.textContent = label;
  b.title = title;
  b.dataset.key = key;
  b.className = 'chip act';
}

function setCurrent(i, scroll) {
  if (currentRow) currentRow.classList.remove('current');
  current = i >= 0 && i < pairs.length ? i : -1;
  currentRow = rowOf(current);
  if (!currentRow) { current = -1; actions.remove(); return; }
  const row = currentRow;
  row.classList.add('current');
  row._meta.append(actions);
  if (!scroll) return;
  row.scrollIntoView({ block: 'nearest' });
  // Blocks on the way were laid out at estimated sizes; once they have their real ones, look again.
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const box = row.getBoundingClientRect();
    const top = getComputedStyle(toolbar).position === 'sticky' ? toolbar.offsetHeight : 0;
    if (currentRow === row && (box.top < top || box.bottom > window.innerHeight)) row.scrollIntoView({ block: 'nearest' });
  }));
}

/** The next shown pair from `from` in direction `dir` that passes `test`, or null. */
function step(from, dir, test) {
  for (let j = from + dir; j >= 0 && j < pairs.length; j += dir) if (shown[j] && test(pairs[j])) return j;
  return null;
}

function move(dir, test, what) {
  const j = step(current, dir, test);
  if (j === null) { say('No ' + what + (dir > 0 ? ' after' : ' before') + ' this one.'); return; }
  setCurrent(j, true);
}

const toReview = (p) => needsLook(p) && !decided(p);

// ---- Changes.

function doOp(op) {
  let ch;
  try { ch = plan(pairs, op); } catch (e) { say(e.message, true); return false; }
  prepareRows(ch.at, ch.removed.length);
  splice(ch.at, ch.removed.length, ch.added);
  ops.push(op);
  changes.push(ch);
  save();
  replaceRows(ch.at, ch.removed.length, ch.added.length);
  applyFilter();
  setCurrent(ch.at, true);
  return true;
}

function undo() {
  if (!ops.length) { say('Nothing to undo.'); return; }
  const ch = changes.pop();
  ops.pop();
  prepareRows(ch.at, ch.added.length);
  splice(ch.at, ch.added.length, ch.removed);
  save();
  replaceRows(ch.at, ch.added.length, ch.removed.length);
  applyFilter();
  setCurrent(ch.at, true);
  say('Undone.');
}

function discard() {
  if (!ops.length) return;
  if (!window.confirm('Forget all ' + ops.length + ' changes made to this document on this page?')) return;
  ops = [];
  changes = [];
  pairs = BASE.slice();
  save();
  current = -1;
  renderAll();
  applyFilter();
  say('Your changes were discarded.');
}

function decide(decision) {
  if (current < 0) return;
  const d = has(pairs[current], decision) ? '' : decision;
  doOp({ t: 'decide', i: current, d });
}

// ---- Editing the translation in place.

function caretOffset(cell) {
  const sel = window.getSelection();
  if (!sel || !sel.rangeCount || !cell.contains(sel.focusNode)) return null;
  const r = document.createRange();
  r.selectNodeContents(cell);
  r.setEnd(sel.focusNode, sel.focusOffset);
  return r.toString().length;
}

function placeCaret(cell, offset) {
  const node = cell.firstChild;
  const sel = window.getSelection();
  const r = document.createRange();
  if (!node) r.setStart(cell, 0);
  else r.setStart(node, Math.max(0, Math.min(offset, node.textContent.length)));
  r.collapse(true);
  sel.removeAllRanges();
  sel.addRange(r);
}

function makeEditable(cell, on) {
  if (!on) { cell.removeAttribute('contenteditable'); return; }
  try { cell.contentEditable = 'plaintext-only'; } catch (e) { cell.contentEditable = 'true'; }
  if (cell.contentEditable !== 'plaintext-only') cell.contentEditable = 'true';
}

function startEdit(i, offset) {
  if (editing) finishEdit(true);
  if (i < 0 || i >= pairs.length) return;
  setCurrent(i, true);
  const row = rowOf(i);
  const p = pairs[i];
  row.classList.add('editing');
  fillText(row._tgt, p.tgt, true);
  fillText(row._src, p.src, true);
  makeEditable(row._tgt, true);
  // The source gets a caret (to split it) but cannot be changed: input events are refused.
  makeEditable(row._src, true);
  row._src.setAttribute('aria-readonly', 'true');
  editing = { row, uid: p.uid };
  row._tgt.focus();
  placeCaret(row._tgt, offset ?? joined(p.tgt).length);
}

/** Leaves edit mode; with `keep`, a changed translation becomes a change. Returns the pair's
    index, or -1. */
function finishEdit(keep) {
  if (!editing) return -1;
  const { row } = editing;
  editing = null;
  const i = rows.indexOf(row);
  const text = cleanText(row._tgt.textContent);
  makeEditable(row._tgt, false);
  makeEditable(row._src, false);
  row._src.removeAttribute('aria-readonly');
  row.classList.remove('editing');
  if (i < 0) return -1;
  const p = pairs[i];
  if (keep && text !== joined(p.tgt)) {
    doOp({ t: 'text', i, text });
  } else {
    fillText(row._tgt, p.tgt, false);
    fillText(row._src, p.src, false);
  }
  return i;
}

/** Splits the pair holding the cursor; in edit mode the typed text is kept first. */
function splitAtCursor() {
  const sel = window.getSelection();
  const node = sel && sel.rangeCount ? sel.focusNode : null;
  const row = node ? rows.find((r) => r && r.contains(node)) : null;
  const cell = row && (row._src.contains(node) ? row._src : row._tgt.contains(node) ? row._tgt : null);
  if (!cell) { say('Click in the text where the pair should be split, then press s.'); return; }
  const side = cell === row._src ? 'src' : 'tgt';
  let at = caretOffset(cell);
  if (editing && editing.row === row) {
    // Offsets refer to the cleaned text: only the leading spaces trimmed off move them.
    const raw = row._tgt.textContent;
    if (side === 'tgt') at -= raw.length - raw.trimStart().length;
    finishEdit(true);
  }
  const i = rows.indexOf(row) >= 0 ? rows.indexOf(row) : current;
  const text = joined(side === 'src' ? pairs[i].src : pairs[i].tgt);
  doOp({ t: 'split', i, side, at: Math.max(0, Math.min(at, text.length)) });
}

list.addEventListener('beforeinput', (e) => {
  if (editing && editing.row._src.contains(e.target)) e.preventDefault();
});
for (const type of ['paste', 'drop', 'cut']) {
  list.addEventListener(type, (e) => {
    if (editing && editing.row._src.contains(e.target)) e.preventDefault();
  });
}
list.addEventListener('focusout', (e) => {
  if (!editing || (e.relatedTarget && editing.row.contains(e.relatedTarget))) return;
  // Focus left the pair (a click elsewhere, a button, another window): keep what was typed.
  finishEdit(true);
});

list.addEventListener('click', (e) => {
  const act = e.target.closest('button.act');
  if (act) { e.preventDefault(); runKey(act.dataset.key); return; }
  const row = e.target.closest('.pair');
  if (!row || (editing && editing.row === row)) return;
  if (editing) finishEdit(true);
  const i = rows.indexOf(row);
  if (i >= 0 && i !== current) setCurrent(i, false);
});
list.addEventListener('dblclick', (e) => {
  const row = e.target.closest('.pair');
  if (!row || (editing && editing.row === row) || !row._tgt.contains(e.target)) return;
  const offset = caretOffset(row._tgt);
  startEdit(rows.indexOf(row), offset ?? undefined);
});
// Keep the selection inside the row when an action button is pressed (for Split).
actions.addEventListener('mousedown', (e) => e.preventDefault());

// ---- Keys.

function runKey(key) {
  if (editing && key !== 's') finishEdit(true);
  switch (key) {
    case 'c': decide('confirmed'); break;
    case 'x': decide('rejected'); break;
    case 'e': if (current >= 0) startEdit(current); break;
    case 'm':
      if (current < 0) break;
      // Beads follow the document: a pair merges with the one after it, shown or not.
      if (current + 1 < pairs.length && !shown[current + 1]) say('The next pair is hidden by the filter or search: show it to merge.', true);
      else doOp({ t: 'merge', i: current });
      break;
    case 's': splitAtCursor(); break;
  }
}

document.addEventListener('keydown', (e) => {
  const t = e.target;
  if (editing && t instanceof Element && editing.row.contains(t)) {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey || e.altKey)) { e.preventDefault(); splitAtCursor(); } else if (e.key === 'Enter') {
      e.preventDefault();
      const i = finishEdit(true);
      if (i >= 0) setCurrent(i, false);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      finishEdit(false);
    } else if (e.key === 'Tab') {
      e.preventDefault();
      const other = t === editing.row._src || editing.row._src.contains(t) ? editing.row._tgt : editing.row._src;
      other.focus();
    }
    return;
  }
  if (t === searchEl && e.key === 'Escape') { e.preventDefault(); searchEl.blur(); list.focus({ preventScroll: true }); return; }
  if (t instanceof Element && (t.closest('input, select, textarea') || t.isContentEditable)) return;
  if (t instanceof Element && t.closest('button, summary, a') && (e.key === 'Enter' || e.key === ' ')) return;
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'z') { e.preventDefault(); undo(); return; }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  let handled = true;
  switch (e.key) {
    case 'j': case 'ArrowDown': move(1, () => true, 'pair'); break;
    case 'k': case 'ArrowUp': move(-1, () => true, 'pair'); break;
    case 'n': move(1, toReview, 'flagged pair to review'); break;
    case 'N': case 'p': move(-1, toReview, 'flagged pair to review'); break;
    case 'g': case 'Home': setCurrent(step(-1, 1, () => true) ?? -1, true); break;
    case 'G': case 'End': setCurrent(step(pairs.length, -1, () => true) ?? -1, true); break;
    case 'Enter': runKey('e'); break;
    case 'c': case 'x': case 'e': case 'm': case 's': runKey(e.key); break;
    case 'u': undo(); break;
    case '/': searchEl.focus(); searchEl.select(); break;
    case '?': byId('keys').open = !byId('keys').open; break;
    default: handled = false;
  }
  if (handled) e.preventDefault();
});

function download(format) {
  if (editing) finishEdit(true);
  const types = { jsonl: 'application/jsonl', tmx: 'application/x-tmx+xml', tsv: 'text/tab-separated-values' };
  const page = decodeURIComponent(location.pathname.split('/').pop() || '');
  const base = page.replace(/\.html?$/i, '') || 'review';
  const blob = new Blob([exportText(pairs, format)], { type: types[format] + ';charset=utf-8' });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = base + '.edited.' + format;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  say('Exported ' + a.download + '.');
}

// ---- Messages.

let sayTimer = 0;
function say(text, warn) {
  statusEl.textContent = text;
  statusEl.classList.toggle('warn', Boolean(warn));
  clearTimeout(sayTimer);
  sayTimer = setTimeout(() => { statusEl.textContent = ''; }, warn ? 9000 : 3500);
}

// ---- Start.

buildFilterOptions();
// Rows scrolled into view stop below the sticky toolbar, however many lines it wraps to.
const fitToolbar = () => document.documentElement.style.setProperty('--toolbar',
  (getComputedStyle(toolbar).position === 'sticky' ? toolbar.offsetHeight : 0) + 'px');
fitToolbar();
window.addEventListener('resize', fitToolbar);
let searchTimer = 0;
searchEl.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(applyFilter, 120); });
for (const el of [filterEl, minEl, maxEl]) el.addEventListener('change', applyFilter);
minEl.addEventListener('input', applyFilter);
maxEl.addEventListener('input', applyFilter);
byId('next-flagged').addEventListener('click', () => move(1, toReview, 'flagged pair to review'));
byId('undo').addEventListener('click', undo);
byId('discard').addEventListener('click', discard);
for (const f of ['jsonl', 'tmx', 'tsv']) byId('export-' + f).addEventListener('click', () => download(f));
window.addEventListener('beforeprint', () => { if (editing) finishEdit(true); buildAll(); });
// Another tab of the same document saved its changes: this tab does not show them, and its
// next change would replace them.
window.addEventListener('storage', (e) => {
  if (e.key === STORE_KEY) say('This document was changed in another tab: reload to see those changes before making more here.', true);
});

restore();
renderAll();
performance.mark('nazir-built');
applyFilter();
const readyAt = performance.now();
document.documentElement.dataset.ready = 'true';
window.nazirReview = {
  readyAt,
  key: STORE_KEY,
  exportText: (format, date) => exportText(pairs, format, date),
  pairs: () => pairs.map((p) => ({ src: joined(p.src), tgt: joined(p.tgt), flags: p.flags.slice(), kind: kindOf(p) })),
  ops: () => ops.slice(),
  current: () => current,
};
