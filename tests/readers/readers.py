#!/usr/bin/env python3
"""Heavy real-reader checks, run by tests/readers/run.sh (and so by .ci/run).

LibreOffice: opens an XLSX sheet written by `align convert` (awkward texts included) and its CSV
export shows every Arabic and English text exactly.

OmegaT (headless, console-translate): a project with the Arabic text in source/ and our TMX in
tm/auto/ produces a target document. For each configuration the script prints how many of
OmegaT's own segments got our English, checks that every segment OmegaT could find in our TMX
did get it, and says why the others did not (OmegaT segments differently). Configurations:
sentence units; sentence + paragraph units (--tmx-units both); the same with OmegaT's paragraph
segmentation; and OmegaT with SRX rules loaded into the project (an SRX exported by
`align segment --export-srx` when the binary has it, and a stand-in that only adds a break after
the Arabic question mark to OmegaT's defaults). Standard library only.
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FAILURES = []


def check(ok, msg):
    if not ok:
        FAILURES.append(msg)
        print(f"FAIL: {msg}", file=sys.stderr)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


# ---------------------------------------------------------------------------------------------
# LibreOffice


def libreoffice(align, work):
    rows = [
        ("قال <b>\"مرحبا\"</b> & وداعا.", "He said <b>\"hello\"</b> & goodbye."),
        ("=SUM(A1) ليس صيغة", "=SUM(A1) is not a formula"),
        ("نص\tفيه\nفواصل", "text\twith\nbreaks"),
        ("رموز \u200f\u202b😀 _x0041_ ١٢٣", "marks 👩\u200d👩\u200d👧 _x0041_ ]]>"),
    ]
    jsonl = os.path.join(work, "tricky.jsonl")
    with open(jsonl, "w", encoding="utf-8") as f:
        for i, (ar, en) in enumerate(rows):
            bead = {"doc": "tricky", "src_lang": "ar", "tgt_lang": "en", "score": 0.1 * i, "flags": [],
                    "paragraph": i, "src": [{"id": i, "text": ar}], "tgt": [{"id": i, "text": en}]}
            f.write(json.dumps(bead, ensure_ascii=False) + "\n")
    xlsx = os.path.join(work, "tricky.xlsx")
    run([align, "convert", jsonl, xlsx, "-q"])
    out = os.path.join(work, "csv")
    # 44 = comma, 34 = double quote, 76 = UTF-8, 1 = first line.
    run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{work}/lo-profile",
         "--convert-to", 'csv:Text - txt - csv (StarCalc):44,34,76,1', "--outdir", out, xlsx],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    with open(os.path.join(out, "tricky.csv"), encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    check(table[0][:6] == ["#", "paragraph", "src ids", "tgt ids", "ar", "en"], f"XLSX header: {table[0]}")
    got = [(r[4], r[5]) for r in table[1:]]
    check(got == rows, f"LibreOffice shows the texts of the XLSX: {got!r}")
    print(f"LibreOffice: opened the XLSX, {len(got)} rows, texts {'identical' if got == rows else 'DIFFERENT'}")


# ---------------------------------------------------------------------------------------------
# OmegaT

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<omegat>
  <project version="1.0">
    <source_dir>__DEFAULT__</source_dir>
    <target_dir>__DEFAULT__</target_dir>
    <tm_dir>__DEFAULT__</tm_dir>
    <glossary_dir>__DEFAULT__</glossary_dir>
    <glossary_file>__DEFAULT__</glossary_file>
    <dictionary_dir>__DEFAULT__</dictionary_dir>
    <source_lang>AR</source_lang>
    <target_lang>EN</target_lang>
    <source_tok>org.omegat.tokenizer.DefaultTokenizer</source_tok>
    <target_tok>org.omegat.tokenizer.DefaultTokenizer</target_tok>
    <sentence_seg>{sentence_seg}</sentence_seg>
    <support_default_translations>true</support_default_translations>
    <remove_tags>false</remove_tags>
  </project>
</omegat>
"""


def srx_to_omegat_conf(srx_path):
    """OmegaT 3.x keeps project segmentation rules in omegat/segmentation.conf (a java.beans
    XMLEncoder file), not in SRX (OmegaT 4.x reads segmentation.srx): convert the SRX's language
    rules and maps into it."""
    ns = {"s": "http://www.lisa.org/srx20"}
    root = ET.parse(srx_path).getroot()
    rules = {}
    for lr in root.iter("{http://www.lisa.org/srx20}languagerule"):
        rules[lr.get("languagerulename")] = [
            (r.get("break", "yes") == "yes", (r.findtext("s:beforebreak", "", ns)), (r.findtext("s:afterbreak", "", ns)))
            for r in lr.findall("s:rule", ns)]
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<java version="1.8.0" class="java.beans.XMLDecoder">',
           ' <object class="org.omegat.core.segmentation.SRX">', '  <void property="mappingRules">',
           '   <object class="java.util.ArrayList">']
    for m in root.iter("{http://www.lisa.org/srx20}languagemap"):
        name, pattern = m.get("languagerulename"), m.get("languagepattern")
        out += ['    <void method="add"><object class="org.omegat.core.segmentation.MapRule">',
                f'     <void property="language"><string>{escape(name)}</string></void>',
                f'     <void property="pattern"><string>{escape(pattern)}</string></void>',
                '     <void property="rules"><object class="java.util.ArrayList">']
        for brk, before, after in rules.get(name, []):
            out += ['      <void method="add"><object class="org.omegat.core.segmentation.Rule">',
                    f'       <void property="afterbreak"><string>{escape(after)}</string></void>',
                    f'       <void property="beforebreak"><string>{escape(before)}</string></void>',
                    f'       <void property="breakRule"><boolean>{"true" if brk else "false"}</boolean></void>',
                    '      </object></void>']
        out += ['     </object></void>', '    </object></void>']
    out += ['   </object>', '  </void>', '  <void property="version"><string>0.2.2</string></void>',
            ' </object>', '</java>']
    return "\n".join(out) + "\n"


def tmx_units(path):
    """(source, target) of every unit of a TMX whose source language is Arabic."""
    root = ET.parse(path).getroot()
    units = []
    for tu in root.iter("tu"):
        segs = {}
        for tuv in tu.findall("tuv"):
            seg = tuv.find("seg")
            segs[(tuv.get(XML_LANG) or tuv.get("lang") or "")[:2].lower()] = "".join(seg.itertext()) if seg is not None else ""
        units.append((segs.get("ar", ""), segs.get("en", "")))
    return units


def omegat(project, *args):
    env = dict(os.environ, JAVA_TOOL_OPTIONS="-Djava.awt.headless=true")
    run(["omegat", project, f"--config-dir={project}/.config", *args], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)


def measure(label, work, source, tmx, sentences, sentence_seg=True, srx=None):
    name = re.sub(r"\W+", "-", label).strip("-")
    project = os.path.join(work, name)
    for d in ["source", "tm/auto", "target", "omegat", "glossary", "dictionary", ".config"]:
        os.makedirs(os.path.join(project, d), exist_ok=True)
    with open(os.path.join(project, "omegat.project"), "w") as f:
        f.write(PROJECT.format(sentence_seg="true" if sentence_seg else "false"))
    if srx:
        with open(os.path.join(project, "omegat", "segmentation.conf"), "w", encoding="utf-8") as f:
            f.write(srx_to_omegat_conf(srx))
    with open(source, encoding="utf-8") as f:
        text = f.read()
    src_name = os.path.basename(source)
    with open(os.path.join(project, "source", src_name), "w", encoding="utf-8") as f:
        f.write(text)
    with open(tmx, encoding="utf-8") as f, open(os.path.join(project, "tm/auto/ours.tmx"), "w", encoding="utf-8") as g:
        g.write(f.read())
    ours = dict(tmx_units(tmx))

    # OmegaT's own segments: a pseudo-translated TMX lists every one.
    pseudo = os.path.join(work, name + ".segments.tmx")
    omegat(project, "--mode=console-createpseudotranslatetmx", f"--pseudotranslatetmx={pseudo}",
           "--pseudotranslatetype=equal")
    segments = [s for s, _ in tmx_units(pseudo)]
    omegat(project, "--mode=console-translate")
    with open(os.path.join(project, "target", src_name), encoding="utf-8") as f:
        target = f.read()
    stats = open(os.path.join(project, "omegat", "project_stats.txt"), encoding="utf-8").read()
    total, remaining = [int(x) for x in re.search(r"Total:\s+(\d+).*?\nRemaining:\s+(\d+)", stats, re.S).groups()]

    matched = [s for s in segments if s in ours]
    shown = [s for s in matched if ours[s] in target]
    translated = total - remaining
    check(len(shown) == len(matched), f"{label}: OmegaT shows our English for {len(shown)} of the {len(matched)} segments found verbatim in our TMX")
    check(translated >= len(matched), f"{label}: OmegaT says {translated} translated, fewer than the {len(matched)} verbatim matches")
    check(translated > 0, f"{label}: no segment translated")

    # Why the rest did not match: segments OmegaT left in Arabic (their text is still in the
    # target document; segments OmegaT matched after normalising whitespace are not).
    reasons = {}
    for s in segments:
        if s in ours or s not in target:
            continue
        inside = [x for x in sentences if x and x in s]
        if len(inside) >= 2:
            end = inside[0].rstrip()
            if end.endswith("؟"):
                why = "OmegaT does not break after ؟"
            elif re.search(r"[.!?؟][\"'»”)]+$", end):
                why = "OmegaT does not break after a terminator and a closing quote"
            else:
                why = "OmegaT joins what we split (other)"
        elif any(s in x for x in sentences):
            why = "OmegaT splits inside one of our sentences"
        else:
            why = "other (whitespace, markup)"
        reasons[why] = reasons.get(why, 0) + 1
    return {"label": label, "segments": total, "translated": translated, "verbatim": len(matched), "reasons": reasons}


def ntrex_documents(folder, work):
    """NTREX's Arabic lines as documents: each document's headline, then its other lines joined
    into one paragraph (the protocol of ../shared/README.md), blank lines between."""
    with open(os.path.join(folder, "DOCUMENT_IDS.tsv"), encoding="utf-8") as f:
        ids = f.read().split("\n")
    with open(os.path.join(folder, "newstest2019-ref.arb.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    docs, current = [], None
    for doc, line in zip(ids, lines):
        if not doc:
            continue
        if doc != current:
            docs.append([])
            current = doc
        docs[-1].append(line.strip())
    paragraphs = []
    for d in docs:
        paragraphs.append(d[0])
        if len(d) > 1:
            paragraphs.append(" ".join(d[1:]))
    path = os.path.join(work, "ntrex.ar.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n\n".join(paragraphs) + "\n")
    return path


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--align", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--input", action="append", default=[], help="Arabic text (repeatable)")
    p.add_argument("--ntrex", help="../shared/data/ntrex128-arb-eng: its Arabic as documents, one paragraph each")
    p.add_argument("--standin-srx", required=True)
    p.add_argument("--skip-libreoffice", action="store_true")
    a = p.parse_args()
    if not a.skip_libreoffice:
        libreoffice(a.align, a.work)

    if a.ntrex:
        a.input.append(ntrex_documents(a.ntrex, a.work))
    help_text = subprocess.run([a.align, "segment", "--help"], capture_output=True, text=True).stdout
    our_srx = None
    if "--export-srx" in help_text:
        our_srx = os.path.join(a.work, "ours.srx")
        run([a.align, "segment", "--export-srx", our_srx])
    else:
        print("our SRX: `align segment --export-srx` is not in this build; measured with the stand-in only")

    rows = []
    for source in a.input:
        stem = os.path.join(a.work, os.path.basename(source).split(".")[0])
        os.makedirs(stem, exist_ok=True)
        run([a.align, source, "--model", a.model, "--max-output-tokens", "6", "-f", "tmx,jsonl", "-d", stem, "-q"])
        base = os.path.join(stem, os.path.basename(source).split(".")[0] + ".ar-en")
        both = base + ".both.tmx"
        run([a.align, "convert", base + ".jsonl", both, "--tmx-units", "both", "-q"])
        with open(base + ".jsonl", encoding="utf-8") as f:
            sentences = [s["text"] for line in f for s in json.loads(line)["src"]]
        doc = os.path.basename(source)
        configs = [
            ("sentence units", base + ".tmx", True, None),
            ("sentence + paragraph units", both, True, None),
            ("sentence + paragraph units, OmegaT paragraph segmentation", both, False, None),
            ("sentence units, OmegaT + stand-in SRX (؟ and closing quotes)", base + ".tmx", True, a.standin_srx),
        ]
        if our_srx:
            configs.append(("sentence units, OmegaT + our SRX", base + ".tmx", True, our_srx))
        for label, tmx, seg, srx in configs:
            r = measure(f"{doc}: {label}", stem, source, tmx, sentences, seg, srx)
            rows.append(r)

    print("\n| document and configuration | OmegaT segments | got our English | fraction | verbatim in our TMX | why the rest did not match |")
    print("|---|---:|---:|---:|---:|---|")
    for r in rows:
        why = "; ".join(f"{k}: {v}" for k, v in sorted(r["reasons"].items(), key=lambda kv: -kv[1])) or "—"
        print(f"| {r['label']} | {r['segments']} | {r['translated']} | {r['translated'] / max(r['segments'], 1):.1%} | {r['verbatim']} | {why} |")
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("\nreaders: all checks passed")


if __name__ == "__main__":
    main()
