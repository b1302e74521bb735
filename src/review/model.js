// The review page's model: the beads as pairs, and the changes a reviewer can make to them.
// Pairs are never modified in place, so a change is a splice of `pairs` and its undo the
// inverse splice. Part of the page's script: src/review/mod.rs puts model.js, export.js and
// review.js, in that order, in one function scope.

const byId = (id) => document.getElementById(id);
const readJson = (id) => JSON.parse(byId(id).textContent);
const META = readJson('nazir-meta');
const END = readJson('nazir-end');
const ORIGINAL = readJson('nazir-beads');
performance.mark('nazir-parsed');
const DECISIONS = new Set(META.decisions);
const FLAG_RANK = new Map(META.flags.map((label, i) => [label, i]));
const STORE_KEY = 'nazir-review:v1:' + META.doc + ':' + END.key;

// ---- The model: pairs are never modified in place, so a change is a splice and undo its inverse.

let nextUid = 1;
const fromBead = (b) => ({
  uid: nextUid++, score: b.score, flags: b.flags.slice(), paragraph: b.paragraph, src: b.src, tgt: b.tgt,
});

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
function plan(pairs, op) {
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
