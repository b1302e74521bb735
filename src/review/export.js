// The review page's exports, byte for byte as the Rust writers write them: JSONL as
// src/output/jsonl.rs, TSV as tsv.rs, TMX 1.4b as tmx.rs. Part of the page's script (see
// model.js); it reads META and the pairs it is given, nothing else.

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
function exportBeads(pairs) {
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
    // A raw CR would be read back as LF (XML 1.0 §2.11), so it goes out as a reference.
    .replace(/[&<>'"\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;', '\r': '&#13;' })[c]);
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
      + '      <prop type="x-paragraph">' + b.paragraph + '</prop>\n'
      + (ids(b.src) ? '      <prop type="x-source-sentences">' + ids(b.src) + '</prop>\n' : '')
      + (ids(b.tgt) ? '      <prop type="x-target-sentences">' + ids(b.tgt) + '</prop>\n' : '')
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

function exportText(pairs, format, date) {
  const beads = exportBeads(pairs);
  if (format === 'jsonl') return toJsonl(beads);
  if (format === 'tsv') return toTsv(beads);
  if (format === 'tmx') return toTmx(beads, date || new Date());
  throw new Error('unknown format ' + format);
}
