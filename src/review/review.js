// Nazir review page: renders the beads embedded in this file, filters and searches them, records
// a reviewer's changes (kept in localStorage under a key made from the document's content) and
// exports JSONL, TMX and TSV byte for byte as the writers in src/output/ would. Text reaches the
// page only through text nodes and textContent, never through HTML parsing.
'use strict';
(function () {
  const byId = (id) => document.getElementById(id);
  const readJson = (id) => JSON.parse(byId(id).textContent);
  const META = readJson('nazir-meta');
  const END = readJson('nazir-end');
  const ORIGINAL = readJson('nazir-beads');
  performance.mark('nazir-parsed');
  const DECISIONS = new Set(META.decisions);
  const FLAG_RANK = new Map(META.flags.map((label, i) => [label, i]));
  const STORE_KEY = 'nazir-review:v1:' + META.doc + ':' + END.key;
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

  // ---- The model: pairs are never modified in place, so a change is a splice and undo its inverse.

  let nextUid = 1;
  const fromBead = (b) => ({
    uid: nextUid++, score: b.score, flags: b.flags.slice(), paragraph: b.paragraph, src: b.src, tgt: b.tgt,
  });
  const BASE = ORIGINAL.map(fromBead);
  let pairs = BASE.slice();
  let ops = []; // the changes, as stored
  let changes = []; // for each op: { at, removed, added }

  const joined = (sentences) => sentences.map((s) => s.text).join(' ');
  const kindOf = (p) => p.src.length + '-' + p.tgt.length;
  const has = (p, label) => p.flags.includes(label);
  const needsLook = (p) => p.flags.some((f) => !DECISIONS.has(f));
  const decided = (p) => has(p, 'confirmed') || has(p, 'rejected');
  const sortFlags = (set) => [...set].sort((a, b) => (FLAG_RANK.get(a) ?? 99) - (FLAG_RANK.get(b) ?? 99));

  /** A pair a reviewer changed: marked edited, shape flag recomputed, earlier decision dropped. */
  function changed(base, fields) {
    const p = Object.assign({}, base, fields, { uid: nextUid++ });
    const flags = new Set(p.flags.filter((f) => !DECISIONS.has(f) && f !== 'not-1-1'));
    flags.add('edited');
    if (p.src.length !== 1 || p.tgt.length !== 1) flags.add('not-1-1');
    p.flags = sortFlags(flags);
    return p;
  }

  /** Line breaks become spaces (as in every sentence the tool writes); ends are trimmed. */
  const cleanText = (text) => text.replace(/[\r\n]/g, ' ').trim();

  function withText(p, text) {
    text = cleanText(String(text));
    if (!text && !p.src.length) throw new Error('a pair needs text on at least one side');
    const id = p.tgt.length ? p.tgt[0].id : null;
    return changed(p, { tgt: text ? [{ id, text }] : [] });
  }

  function withDecision(p, decision) {
    const flags = new Set(p.flags.filter((f) => f !== 'confirmed' && f !== 'rejected'));
    if (decision) flags.add(decision);
    return Object.assign({}, p, { uid: nextUid++, flags: sortFlags(flags) });
  }

  function merged(a, b) {
    const score = a.score === null || b.score === null ? null : Math.min(a.score, b.score);
    const paragraph = a.src.length || !b.src.length ? a.paragraph : b.paragraph;
    return changed(a, {
      score, paragraph, src: a.src.concat(b.src), tgt: a.tgt.concat(b.tgt), flags: a.flags.concat(b.flags),
    });
  }

  function utf8Length(text) {
    let n = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff) { n += 4; i++; } else n += 3;
    }
    return n;
  }

  /** Cuts one sentence in two. Byte offsets stay exact when the text is the input slice itself
      (its length matches the span); otherwise the inner boundary is unknown and left out. */
  function cutSentence(s, head, tail) {
    const a = { id: s.id, text: head };
    const b = { id: null, text: tail };
    const exact = s.start != null && s.end != null && utf8Length(s.text) === s.end - s.start;
    if (s.start != null) a.start = s.start;
    if (exact) {
      a.end = s.start + utf8Length(head);
      b.start = s.start + utf8Length(s.text.slice(0, s.text.length - tail.length));
    }
    if (s.end != null) b.end = s.end;
    if (s.line != null) { a.line = s.line; b.line = s.line; }
    return [a, b];
  }

  /** Cuts a side's sentences at offset `at` of their joined text. */
  function cutAt(sentences, at) {
    let pos = 0;
    for (let k = 0; k < sentences.length; k++) {
      const text = sentences[k].text;
      if (at <= pos) return { head: sentences.slice(0, k), tail: sentences.slice(k) };
      if (at < pos + text.length) {
        const head = text.slice(0, at - pos).replace(/\s+$/u, '');
        const tail = text.slice(at - pos).replace(/^\s+/u, '');
        if (!head) return { head: sentences.slice(0, k), tail: sentences.slice(k) };
        if (!tail) return { head: sentences.slice(0, k + 1), tail: sentences.slice(k + 1) };
        const [a, b] = cutSentence(sentences[k], head, tail);
        return { head: sentences.slice(0, k).concat([a]), tail: [b].concat(sentences.slice(k + 1)) };
      }
      pos += text.length + 1; // the space that joins two sentences
    }
    return { head: sentences, tail: [] };
  }

  // Sentence ends as src/segment sees them: terminators, closing quotes or brackets, then space.
  const SENTENCE_END = /[.!?؟…۔‼⁇⁈⁉]+["'»”’)\]}›\u200e\u200f\u202c\u2069]*\s+/gu;

  /** Cuts the other side at its sentence end nearest to `rel` (0–1), or keeps it whole. */
  function cutNear(sentences, rel) {
    const text = joined(sentences);
    const places = [];
    if (sentences.length > 1) {
      let pos = 0;
      for (let k = 0; k + 1 < sentences.length; k++) { pos += sentences[k].text.length + 1; places.push(pos); }
    } else {
      for (const m of text.matchAll(SENTENCE_END)) if (m.index + m[0].length < text.length) places.push(m.index + m[0].length);
    }
    if (!places.length) return { head: sentences, tail: [] };
    const best = places.reduce((x, y) => (Math.abs(y / text.length - rel) < Math.abs(x / text.length - rel) ? y : x));
    return cutAt(sentences, best);
  }

  function split(p, side, at) {
    const mine = side === 'src' ? p.src : p.tgt;
    const other = side === 'src' ? p.tgt : p.src;
    const cut = cutAt(mine, at);
    if (!cut.head.length || !cut.tail.length) throw new Error('put the cursor inside the text, not at its start or end');
    const near = cutNear(other, at / joined(mine).length);
    const [srcHead, srcTail, tgtHead, tgtTail] = side === 'src'
      ? [cut.head, cut.tail, near.head, near.tail] : [near.head, near.tail, cut.head, cut.tail];
    return [changed(p, { src: srcHead, tgt: tgtHead }), changed(p, { src: srcTail, tgt: tgtTail })];
  }

  /** What an op does to `pairs`, without doing it: { at, removed, added }. */
  function plan(op) {
    const i = op.i;
    if (!Number.isInteger(i) || i < 0 || i >= pairs.length) throw new Error('there is no pair ' + (i + 1));
    const p = pairs[i];
    switch (op.t) {
      case 'text': return { at: i, removed: [p], added: [withText(p, op.text)] };
      case 'decide': return { at: i, removed: [p], added: [withDecision(p, op.d)] };
      case 'merge':
        if (i + 1 >= pairs.length) throw new Error('the last pair has no next pair to merge with');
        return { at: i, removed: [p, pairs[i + 1]], added: [merged(p, pairs[i + 1])] };
      case 'split':
        if (op.side !== 'src' && op.side !== 'tgt') break;
        return { at: i, removed: [p], added: split(p, op.side, op.at) };
    }
    throw new Error('unknown change');
  }

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
        const ch = plan(op);
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

  // ---- Rendering.

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
    try { ch = plan(op); } catch (e) { say(e.message, true); return false; }
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

  // ---- Export, exactly as the Rust writers write (src/output/jsonl.rs, tmx.rs, tsv.rs).

  /** serde_json's text for an f32 (ryu): shortest digits, "1.0" for integers, exponent outside
      1e-6 ≤ |x| < 1e13. NaN and infinities are null, as serde_json writes them. */
  function f32Json(x) {
    if (x === null || !Number.isFinite(x)) return 'null';
    if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
    const [mantissa, exp] = Math.abs(x).toExponential().split('e');
    const digits = mantissa.replace('.', '');
    const kk = Number(exp) + 1;
    const k = kk - digits.length;
    let body;
    if (k >= 0 && kk <= 13) body = digits + '0'.repeat(k) + '.0';
    else if (kk > 0 && kk <= 13) body = digits.slice(0, kk) + '.' + digits.slice(kk);
    else if (kk > -6 && kk <= 0) body = '0.' + '0'.repeat(-kk) + digits;
    else body = (digits.length === 1 ? digits : digits[0] + '.' + digits.slice(1)) + 'e' + (kk - 1);
    return (x < 0 ? '-' : '') + body;
  }

  /** Rust's format!("{:.3}", score as f32): exact value, ties to even. */
  function fixed3(x) {
    if (x === null || Number.isNaN(x)) return 'NaN';
    if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
    const v = Math.fround(x);
    const sign = v < 0 || Object.is(v, -0) ? '-' : '';
    const t = Math.abs(v) * 2000; // exact: an f32 has 24 significant bits
    let thousandths;
    if (Number.isInteger(t) && t % 2 === 1) {
      thousandths = (t - 1) / 2;
      if (thousandths % 2 === 1) thousandths += 1;
    } else {
      thousandths = Math.round(Number(Math.abs(v).toFixed(3)) * 1000);
    }
    const whole = Math.floor(thousandths / 1000);
    return sign + whole + '.' + String(thousandths % 1000).padStart(3, '0');
  }

  /** The reviewed document as JSONL beads; sentence ids are renumbered 0, 1, 2 … per side in
      order, which keeps the bead invariant after merges, splits and new translations. */
  function exportBeads() {
    let s = 0;
    let t = 0;
    const sentence = (x, id) => {
      const o = { id, text: x.text };
      if (x.start != null) o.start = x.start;
      if (x.end != null) o.end = x.end;
      if (x.line != null) o.line = x.line;
      return o;
    };
    return pairs.map((p) => ({
      bead: kindOf(p), score: p.score, flags: p.flags, paragraph: p.paragraph,
      src: p.src.map((x) => sentence(x, s++)), tgt: p.tgt.map((x) => sentence(x, t++)),
    }));
  }

  function toJsonl(beads) {
    const head = '{"doc":' + JSON.stringify(META.doc) + ',"src_lang":' + JSON.stringify(META.src_lang)
      + ',"tgt_lang":' + JSON.stringify(META.tgt_lang);
    const tail = META.model != null ? ',"model":' + JSON.stringify(META.model) + '}\n' : '}\n';
    return beads.map((b) => head + ',"bead":' + JSON.stringify(b.bead) + ',"score":' + f32Json(b.score)
      + ',"flags":' + JSON.stringify(b.flags) + ',"paragraph":' + b.paragraph
      + ',"src":' + JSON.stringify(b.src) + ',"tgt":' + JSON.stringify(b.tgt) + tail).join('');
  }

  const tsvField = (s) => s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);
  const ids = (sentences) => sentences.map((x) => x.id).join(',');

  function toTsv(beads) {
    let out = tsvField(META.src_lang) + '\t' + tsvField(META.tgt_lang) + '\tscore\tbead\tparagraph\tsrc_ids\ttgt_ids\tflags\n';
    for (const b of beads) {
      out += [tsvField(joined(b.src)), tsvField(joined(b.tgt)), fixed3(b.score), b.bead, b.paragraph,
        ids(b.src), ids(b.tgt), b.flags.join(',')].join('\t') + '\n';
    }
    return out;
  }

  /** XML 1.0 text: forbidden characters removed, then & < > ' " as entities (quick-xml's set). */
  function xml(text) {
    return text
      .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
      .replace(/[&<>'"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' })[c]);
  }

  function tmxDate(d) {
    const two = (n) => String(n).padStart(2, '0');
    return d.getUTCFullYear() + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + 'T'
      + two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()) + 'Z';
  }

  /** TMX 1.4b as tmx.rs writes it, dated now. Pairs with an empty side and rejected pairs are
      left out: a translation memory should hold neither. */
  function toTmx(beads, date) {
    const src = xml(META.src_lang.replace(/_/g, '-'));
    const tgt = xml(META.tgt_lang.replace(/_/g, '-'));
    const d = tmxDate(date);
    let out = '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n  <header creationtool="Nazir" creationtoolversion="'
      + xml(META.version) + '" segtype="sentence" o-tmf="Nazir" adminlang="en" srclang="' + src
      + '" datatype="plaintext" creationdate="' + d + '"/>\n  <body>\n';
    let tuid = 1;
    for (const b of beads) {
      if (!b.src.length || !b.tgt.length || b.flags.includes('rejected')) continue;
      out += '    <tu tuid="' + tuid++ + '" creationdate="' + d + '">\n'
        + '      <prop type="x-document">' + xml(META.doc) + '</prop>\n'
        + '      <prop type="x-paragraph">' + (b.paragraph + 1) + '</prop>\n'
        + '      <prop type="x-source-sentences">' + b.src.map((x) => x.id + 1).join(',') + '</prop>\n'
        + '      <prop type="x-score">' + fixed3(b.score) + '</prop>\n'
        + '      <prop type="x-bead">' + b.bead + '</prop>\n'
        + (b.flags.length ? '      <prop type="x-flags">' + b.flags.join(',') + '</prop>\n' : '')
        + (META.model != null ? '      <prop type="x-model">' + xml(META.model) + '</prop>\n' : '')
        + '      <tuv xml:lang="' + src + '"><seg>' + xml(joined(b.src)) + '</seg></tuv>\n'
        + '      <tuv xml:lang="' + tgt + '"><seg>' + xml(joined(b.tgt)) + '</seg></tuv>\n'
        + '    </tu>\n';
    }
    return out + '  </body>\n</tmx>\n';
  }

  function exportText(format, date) {
    const beads = exportBeads();
    if (format === 'jsonl') return toJsonl(beads);
    if (format === 'tsv') return toTsv(beads);
    if (format === 'tmx') return toTmx(beads, date || new Date());
    throw new Error('unknown format ' + format);
  }

  function download(format) {
    if (editing) finishEdit(true);
    const types = { jsonl: 'application/jsonl', tmx: 'application/x-tmx+xml', tsv: 'text/tab-separated-values' };
    const page = decodeURIComponent(location.pathname.split('/').pop() || '');
    const base = page.replace(/\.html?$/i, '') || 'review';
    const blob = new Blob([exportText(format)], { type: types[format] + ';charset=utf-8' });
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
    exportText,
    pairs: () => pairs.map((p) => ({ src: joined(p.src), tgt: joined(p.tgt), flags: p.flags.slice(), kind: kindOf(p) })),
    ops: () => ops.slice(),
    current: () => current,
  };
})();
