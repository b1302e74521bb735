#!/usr/bin/env python3
"""Generate random-weight CTranslate2 models with the exact file layout of real model families.

No translation model can be downloaded on the project's machines, so tests and benchmarks use
models made here: the weights are random (their output is random tokens, never a translation),
but the files, vocabularies, tokenizers and special tokens are those a real conversion produces.

  opus-mt   what `ct2-transformers-converter --model Helsinki-NLP/opus-mt-ar-en
            --copy_files source.spm target.spm` writes: model.bin, config.json,
            shared_vocabulary.json, source.spm, target.spm. Post-norm Transformer, swish
            activation, sinusoidal positions, scaled embeddings, decoder starting from a zero
            embedding, vocabulary "</s>", "<unk>", pieces (Marian's order, <pad> removed).

  nllb      what `ct2-transformers-converter --model facebook/nllb-200-distilled-600M
            --copy_files sentencepiece.bpe.model` writes: pre-norm Transformer, ReLU, vocabulary
            <s> <pad> </s> <unk>, pieces, the 202 FLORES-200 language tokens, <mask>.
  m2m100    the same for facebook/m2m100_418M: __ar__-style language tokens and madeupword*.
  argos     an Argos Translate package folder: metadata.json (from_code ar, to_code en),
            model/ (an OpenNMT-py conversion: vocabulary <unk> <blank> <s> </s> pieces, decoder
            starting from <s>), one sentencepiece.model, README.md.
  hf        a CTranslate2 model with a Hugging Face tokenizer.json (BPE, Metaspace, template
            "$A </s>") and no SentencePiece file.

Usage:
  scripts/gen-test-models.py FAMILY OUT_DIR [--size tiny|real] [--quantization int8] [--seed N]

`tiny` (the committed test fixture, < 1 MB): 2+2 layers, d=32, 4 heads, ff=64, SentencePiece
vocabularies of 400 pieces per side trained on TICO-19 (CC0) text from ../shared/data.
`real` (benchmarks): opus-mt-ar-en's shape: 6+6 layers, d=512, 8 heads, ff=2048, 62,834 tokens.

Needs Python packages ctranslate2 (same version as the library the project links), sentencepiece,
numpy and (for `hf`) tokenizers: `python3 -m venv .venv && .venv/bin/pip install ctranslate2==4.8.4
sentencepiece numpy tokenizers`.
"""
import argparse
import json
import math
import os
import re
import sys
import tempfile

import numpy as np

NLLB_LANGUAGES = ['ace_Arab', 'ace_Latn', 'acm_Arab', 'acq_Arab', 'aeb_Arab', 'afr_Latn', 'ajp_Arab', 'aka_Latn', 'amh_Ethi', 'apc_Arab', 'arb_Arab', 'ars_Arab', 'ary_Arab', 'arz_Arab', 'asm_Beng', 'ast_Latn', 'awa_Deva', 'ayr_Latn', 'azb_Arab', 'azj_Latn', 'bak_Cyrl', 'bam_Latn', 'ban_Latn', 'bel_Cyrl', 'bem_Latn', 'ben_Beng', 'bho_Deva', 'bjn_Arab', 'bjn_Latn', 'bod_Tibt', 'bos_Latn', 'bug_Latn', 'bul_Cyrl', 'cat_Latn', 'ceb_Latn', 'ces_Latn', 'cjk_Latn', 'ckb_Arab', 'crh_Latn', 'cym_Latn', 'dan_Latn', 'deu_Latn', 'dik_Latn', 'dyu_Latn', 'dzo_Tibt', 'ell_Grek', 'eng_Latn', 'epo_Latn', 'est_Latn', 'eus_Latn', 'ewe_Latn', 'fao_Latn', 'pes_Arab', 'fij_Latn', 'fin_Latn', 'fon_Latn', 'fra_Latn', 'fur_Latn', 'fuv_Latn', 'gla_Latn', 'gle_Latn', 'glg_Latn', 'grn_Latn', 'guj_Gujr', 'hat_Latn', 'hau_Latn', 'heb_Hebr', 'hin_Deva', 'hne_Deva', 'hrv_Latn', 'hun_Latn', 'hye_Armn', 'ibo_Latn', 'ilo_Latn', 'ind_Latn', 'isl_Latn', 'ita_Latn', 'jav_Latn', 'jpn_Jpan', 'kab_Latn', 'kac_Latn', 'kam_Latn', 'kan_Knda', 'kas_Arab', 'kas_Deva', 'kat_Geor', 'knc_Arab', 'knc_Latn', 'kaz_Cyrl', 'kbp_Latn', 'kea_Latn', 'khm_Khmr', 'kik_Latn', 'kin_Latn', 'kir_Cyrl', 'kmb_Latn', 'kon_Latn', 'kor_Hang', 'kmr_Latn', 'lao_Laoo', 'lvs_Latn', 'lij_Latn', 'lim_Latn', 'lin_Latn', 'lit_Latn', 'lmo_Latn', 'ltg_Latn', 'ltz_Latn', 'lua_Latn', 'lug_Latn', 'luo_Latn', 'lus_Latn', 'mag_Deva', 'mai_Deva', 'mal_Mlym', 'mar_Deva', 'min_Latn', 'mkd_Cyrl', 'plt_Latn', 'mlt_Latn', 'mni_Beng', 'khk_Cyrl', 'mos_Latn', 'mri_Latn', 'zsm_Latn', 'mya_Mymr', 'nld_Latn', 'nno_Latn', 'nob_Latn', 'npi_Deva', 'nso_Latn', 'nus_Latn', 'nya_Latn', 'oci_Latn', 'gaz_Latn', 'ory_Orya', 'pag_Latn', 'pan_Guru', 'pap_Latn', 'pol_Latn', 'por_Latn', 'prs_Arab', 'pbt_Arab', 'quy_Latn', 'ron_Latn', 'run_Latn', 'rus_Cyrl', 'sag_Latn', 'san_Deva', 'sat_Beng', 'scn_Latn', 'shn_Mymr', 'sin_Sinh', 'slk_Latn', 'slv_Latn', 'smo_Latn', 'sna_Latn', 'snd_Arab', 'som_Latn', 'sot_Latn', 'spa_Latn', 'als_Latn', 'srd_Latn', 'srp_Cyrl', 'ssw_Latn', 'sun_Latn', 'swe_Latn', 'swh_Latn', 'szl_Latn', 'tam_Taml', 'tat_Cyrl', 'tel_Telu', 'tgk_Cyrl', 'tgl_Latn', 'tha_Thai', 'tir_Ethi', 'taq_Latn', 'taq_Tfng', 'tpi_Latn', 'tsn_Latn', 'tso_Latn', 'tuk_Latn', 'tum_Latn', 'tur_Latn', 'twi_Latn', 'tzm_Tfng', 'uig_Arab', 'ukr_Cyrl', 'umb_Latn', 'urd_Arab', 'uzn_Latn', 'vec_Latn', 'vie_Latn', 'war_Latn', 'wol_Latn', 'xho_Latn', 'ydd_Hebr', 'yor_Latn', 'yue_Hant', 'zho_Hans', 'zho_Hant', 'zul_Latn']
M2M_LANGUAGES = ['af', 'am', 'ar', 'ast', 'az', 'ba', 'be', 'bg', 'bn', 'br', 'bs', 'ca', 'ceb', 'cs', 'cy', 'da', 'de', 'el', 'en', 'es', 'et', 'fa', 'ff', 'fi', 'fr', 'fy', 'ga', 'gd', 'gl', 'gu', 'ha', 'he', 'hi', 'hr', 'ht', 'hu', 'hy', 'id', 'ig', 'ilo', 'is', 'it', 'ja', 'jv', 'ka', 'kk', 'km', 'kn', 'ko', 'lb', 'lg', 'ln', 'lo', 'lt', 'lv', 'mg', 'mk', 'ml', 'mn', 'mr', 'ms', 'my', 'ne', 'nl', 'no', 'ns', 'oc', 'or', 'pa', 'pl', 'ps', 'pt', 'ro', 'ru', 'sd', 'si', 'sk', 'sl', 'so', 'sq', 'sr', 'ss', 'su', 'sv', 'sw', 'ta', 'th', 'tl', 'tn', 'tr', 'uk', 'ur', 'uz', 'vi', 'wo', 'xh', 'yi', 'yo', 'zh', 'zu']

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data"))
TICO = os.path.join(SHARED, "tico19-en-ar", "all.en-ar.tmx")

SIZES = {
    # layers, d_model, heads, ffn, pieces per side, vocabulary size (None: as trained)
    "tiny": dict(layers=2, d=32, heads=4, ff=64, pieces=400, vocab=None, max_pos=512),
    "real": dict(layers=6, d=512, heads=8, ff=2048, pieces=8000, vocab=62834, max_pos=512),
}


# Candidate logit biases on </s>: the first that makes outputs sentence-like in length (median
# 4-30 tokens, 90th percentile at most 64, on 40 TICO sentences with beam 4) is kept.
EOS_BIAS_CANDIDATES = [2.0, 2.5, 3.0, 3.3, 3.6, 4.0, 4.5, 5.0, 6.0, 8.0]
REAL_EOS_BIAS = -30.0


def tico_sides():
    """Arabic and English segments of TICO-19 (CC0), read with a regex: the file is regular."""
    with open(TICO, encoding="utf-8") as f:
        text = f.read()
    ar, en = [], []
    for lang, seg in re.findall(r'<tuv xml:lang="(ar|en)">\s*<seg>(.*?)</seg>', text, re.S):
        seg = (seg.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
               .replace("&apos;", "'").replace("&amp;", "&"))
        (ar if lang == "ar" else en).append(seg.strip())
    return ar, en


def train_spm(lines, prefix, pieces, seed, model_type="unigram"):
    import sentencepiece as spm

    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines))
        path = f.name
    # Marian's SentencePiece models: unigram, <unk>=0 <s>=1 </s>=2, no <pad> (fairseq's NLLB and
    # M2M-100 models use the same ids; their vocabularies are re-ordered by the converter).
    spm.SentencePieceTrainer.train(
        input=path, model_prefix=prefix, vocab_size=pieces, model_type=model_type,
        character_coverage=1.0, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        minloglevel=2, num_threads=1,
        # A real-size vocabulary (8,000 pieces a side) can be more than TICO's English text
        # supports: take what it gives; the vocabulary is padded to the real size anyway.
        **({"hard_vocab_limit": False} if pieces > 1000 else {}),
    )
    os.unlink(path)
    proc = spm.SentencePieceProcessor(model_file=prefix + ".model")
    return [proc.id_to_piece(i) for i in range(proc.get_piece_size())]


def sinusoids(max_pos, d):
    """Marian's sinusoidal position table: sines in the first half, cosines in the second."""
    half = d // 2
    pos = np.arange(max_pos)[:, None]
    inv = np.exp(-math.log(10000.0) * np.arange(half) / max(half - 1, 1))
    table = np.concatenate([np.sin(pos * inv), np.cos(pos * inv)], axis=1)
    return table.astype(np.float32)


class Random:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def matrix(self, rows, cols):
        return (self.rng.standard_normal((rows, cols)) / math.sqrt(cols)).astype(np.float32)

    def vector(self, n, scale=0.02):
        return (self.rng.standard_normal(n) * scale).astype(np.float32)


def fill_linear(spec, rnd, out_dim, in_dim):
    spec.weight = rnd.matrix(out_dim, in_dim)
    spec.bias = rnd.vector(out_dim)


def fill_norm(spec, d):
    spec.gamma = np.ones(d, dtype=np.float32)
    spec.beta = np.zeros(d, dtype=np.float32)


def build_transformer(size, vocab_size, rnd, output_bias, pre_norm=False, activation="swish"):
    """A Transformer spec with random weights. Marian (OPUS-MT) is post-norm with swish;
    fairseq's NLLB/M2M-100 and OpenNMT-py (Argos) are pre-norm with ReLU and final layer norms."""
    from ctranslate2.specs import common_spec, transformer_spec

    d, ff, layers = size["d"], size["ff"], size["layers"]
    act = {"swish": common_spec.Activation.SWISH, "relu": common_spec.Activation.RELU}[activation]
    spec = transformer_spec.TransformerSpec.from_config(
        (layers, layers), size["heads"], pre_norm=pre_norm, activation=act, layernorm_embedding=False,
    )
    if pre_norm:
        fill_norm(spec.encoder.layer_norm, d)
        fill_norm(spec.decoder.layer_norm, d)
    embeddings = rnd.matrix(vocab_size, d)  # Marian ties source, target and output embeddings
    positions = sinusoids(size["max_pos"], d)
    for side in (spec.encoder, spec.decoder):
        side.scale_embeddings = math.sqrt(d)
        side.position_encodings.encodings = positions
        for layer in side.layer:
            fill_linear(layer.self_attention.linear[0], rnd, 3 * d, d)
            fill_linear(layer.self_attention.linear[1], rnd, d, d)
            fill_norm(layer.self_attention.layer_norm, d)
            fill_linear(layer.ffn.linear_0, rnd, ff, d)
            fill_linear(layer.ffn.linear_1, rnd, d, ff)
            fill_norm(layer.ffn.layer_norm, d)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    for layer in spec.decoder.layer:
        fill_linear(layer.attention.linear[0], rnd, d, d)
        fill_linear(layer.attention.linear[1], rnd, 2 * d, d)
        fill_linear(layer.attention.linear[2], rnd, d, d)
        fill_norm(layer.attention.layer_norm, d)
    spec.decoder.projection.weight = embeddings
    spec.decoder.projection.bias = output_bias
    return spec


def opus_mt(out_dir, size_name, quantization, seed):
    size = SIZES[size_name]
    os.makedirs(out_dir, exist_ok=True)
    ar, en = tico_sides()
    with tempfile.TemporaryDirectory() as tmp:
        src_pieces = train_spm(ar, os.path.join(tmp, "source"), size["pieces"], seed)
        tgt_pieces = train_spm(en, os.path.join(tmp, "target"), size["pieces"], seed)
        for side in ("source", "target"):
            with open(os.path.join(tmp, side + ".model"), "rb") as f:
                data = f.read()
            with open(os.path.join(out_dir, side + ".spm"), "wb") as f:
                f.write(data)
    # Marian's joint vocabulary: </s>, <unk>, then every piece of both sides once.
    specials = {"<unk>", "<s>", "</s>"}
    tokens = ["</s>", "<unk>"]
    seen = set(tokens)
    for piece in src_pieces + tgt_pieces:
        if piece not in specials and piece not in seen:
            seen.add(piece)
            tokens.append(piece)
    if size["vocab"]:
        # A real-size vocabulary: pad with placeholder pieces (never produced by the tokenizer,
        # but the embedding and output layers have the real model's size).
        i = 0
        while len(tokens) < size["vocab"]:
            tokens.append("▁filler%d" % i)
            i += 1
    def make_spec(eos_bias):
        # A trained ar→en model writes English pieces and stops after a sentence's worth of
        # tokens; the output bias makes the random model do so too (still random output).
        bias = output_bias(tokens, set(tgt_pieces), "</s>", eos_bias)
        spec = build_transformer(size, len(tokens), Random(seed), bias)
        spec.decoder.start_from_zero_embedding = True  # Marian's decoder starts from zeros
        spec.config.eos_token = "</s>"
        spec.config.unk_token = "<unk>"
        spec.config.decoder_start_token = "</s>"
        spec.register_source_vocabulary(tokens)
        spec.register_target_vocabulary(tokens)
        return spec

    import sentencepiece as spm
    source = spm.SentencePieceProcessor(model_file=os.path.join(out_dir, "source.spm"))
    save_tuned(make_spec, out_dir, quantization, lambda s: source.encode(s, out_type=str) + ["</s>"],
               size_name=size_name)
    write_note(out_dir, "opus-mt", size_name, quantization, seed,
               "a CTranslate2 conversion of Helsinki-NLP/opus-mt-ar-en")


def write_note(out_dir, family, size_name, quantization, seed, what):
    with open(os.path.join(out_dir, "GENERATED.md"), "w", encoding="utf-8") as f:
        f.write(
            "# Generated test model: random weights, not a translation model\n\n"
            "Made by `scripts/gen-test-models.py %s %s --size %s%s --seed %d`.\n"
            "File layout, vocabulary, tokenizer and special tokens follow %s;\n"
            "the weights are random, so its output is random pieces, never a translation.\n"
            "Tokenizers trained on TICO-19 (CC0) text. Output bias on </s>: %s (output length\n"
            "median %s, 90th percentile %s tokens on 40 TICO sentences, beam 4).\n"
            % (family, os.path.basename(os.path.normpath(out_dir)), size_name,
               " --quantization " + quantization if quantization else "", seed, what,
               TUNED.get("eos_bias"), *TUNED.get("lengths", (None, None)))
        )


def output_bias(tokens, allowed, eos_token, eos_bias):
    """Biases that make a random model behave like a trained one structurally: it writes only
    `allowed` tokens and </s> becomes likely after a handful of steps."""
    bias = np.array([0.0 if t in allowed else -30.0 for t in tokens], dtype=np.float32)
    bias[tokens.index(eos_token)] = eos_bias
    return bias


def save(spec, out_dir, quantization):
    spec.validate()
    spec.optimize(quantization=quantization)
    spec.save(out_dir)


TUNED = {}


def save_tuned(make_spec, out_dir, quantization, encode, target_prefix=None, size_name="tiny"):
    """Saves the model built by `make_spec(eos_bias)` with the first candidate bias that gives
    sentence-like output lengths; returns that bias.

    The real-size model is not tuned: with d=512 and random weights the decoder falls into a
    fixed point, so a sentence either stops at once or never (measured in float32: bias 2.5
    gives median 76 of 128 steps, 3.0 gives median 2; after int8 quantization bias 2.0 stops
    every sentence after one token). It gets a bias that keeps </s> from ever winning, so
    outputs run to max_decoding_length and benchmarks cap that (40, as the issue's
    measurements did): every sentence costs the same number of decoding steps in every engine
    compared."""
    import ctranslate2

    if size_name == "real":
        save(make_spec(REAL_EOS_BIAS), out_dir, quantization)
        TUNED["eos_bias"] = REAL_EOS_BIAS
        TUNED["lengths"] = ("max_decoding_length", "max_decoding_length")
        return REAL_EOS_BIAS

    ar, _ = tico_sides()
    sample = [encode(s) for s in ar[100:140]]
    prefixes = [[target_prefix]] * len(sample) if target_prefix else None
    for eos_bias in EOS_BIAS_CANDIDATES:
        save(make_spec(eos_bias), out_dir, quantization)
        translator = ctranslate2.Translator(out_dir, intra_threads=2)
        results = translator.translate_batch(sample, target_prefix=prefixes, beam_size=4, max_decoding_length=128)
        lengths = sorted(len(r.hypotheses[0]) for r in results)
        median, p90 = lengths[len(lengths) // 2], lengths[int(len(lengths) * 0.9)]
        del translator
        if os.environ.get("GEN_DEBUG"):
            print("eos bias %.1f: median %d, p90 %d" % (eos_bias, median, p90), file=sys.stderr)
        if 4 <= median <= 30 and p90 <= 64:
            TUNED["eos_bias"] = eos_bias
            TUNED["lengths"] = (median, p90)
            return eos_bias
    raise SystemExit("gen-test-models: no </s> bias gave sentence-like output lengths")


def copy_file(src, dst):
    with open(src, "rb") as f:
        data = f.read()
    with open(dst, "wb") as f:
        f.write(data)


def english_pieces(en, size, seed):
    """Pieces an English-only SentencePiece model finds: what a trained model would write."""
    with tempfile.TemporaryDirectory() as tmp:
        return set(train_spm(en, os.path.join(tmp, "en"), size["pieces"] // 2, seed))


def fairseq_multilingual(out_dir, size_name, quantization, seed, languages, family):
    """NLLB-200 and M2M-100 as ct2-transformers-converter writes them."""
    size = SIZES[size_name]
    os.makedirs(out_dir, exist_ok=True)
    ar, en = tico_sides()
    with tempfile.TemporaryDirectory() as tmp:
        pieces = train_spm(ar + en, os.path.join(tmp, "spm"), size["pieces"], seed, model_type="bpe")
        copy_file(os.path.join(tmp, "spm.model"), os.path.join(out_dir, "sentencepiece.bpe.model"))
    specials = {"<unk>", "<s>", "</s>"}
    body = [p for p in pieces if p not in specials]
    tokens = ["<s>", "<pad>", "</s>", "<unk>"] + body + languages
    tokens += ["<mask>"] if family == "nllb" else ["madeupword%d" % i for i in range(8)]
    if size["vocab"]:
        i = 0
        while len(tokens) < size["vocab"]:
            tokens.append("▁filler%d" % i)
            i += 1
    english = english_pieces(en, size, seed) & set(body)

    def make_spec(eos_bias):
        bias = output_bias(tokens, english | {"</s>"}, "</s>", eos_bias)
        spec = build_transformer(size, len(tokens), Random(seed), bias, pre_norm=True, activation="relu")
        spec.config.bos_token = "<s>"
        spec.config.eos_token = "</s>"
        spec.config.unk_token = "<unk>"
        spec.config.decoder_start_token = "</s>"
        spec.register_source_vocabulary(tokens)
        spec.register_target_vocabulary(tokens)
        return spec

    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(out_dir, "sentencepiece.bpe.model"))
    src, tgt = (languages[NLLB_LANGUAGES.index("arb_Arab")], "eng_Latn") if family == "nllb" else ("__ar__", "__en__")
    save_tuned(make_spec, out_dir, quantization, lambda s: [src] + sp.encode(s, out_type=str) + ["</s>"], tgt,
               size_name=size_name)
    what = {"nllb": "a CTranslate2 conversion of facebook/nllb-200-distilled-600M",
            "m2m100": "a CTranslate2 conversion of facebook/m2m100_418M"}[family]
    write_note(out_dir, family, size_name, quantization, seed, what)


def nllb(out_dir, size_name, quantization, seed):
    fairseq_multilingual(out_dir, size_name, quantization, seed, NLLB_LANGUAGES, "nllb")


def m2m100(out_dir, size_name, quantization, seed):
    fairseq_multilingual(out_dir, size_name, quantization, seed,
                         ["__%s__" % c for c in M2M_LANGUAGES], "m2m100")


def argos(out_dir, size_name, quantization, seed):
    """An unpacked Argos Translate package (translate-ar_en)."""
    size = SIZES[size_name]
    model_dir = os.path.join(out_dir, "model")
    os.makedirs(model_dir, exist_ok=True)
    ar, en = tico_sides()
    with tempfile.TemporaryDirectory() as tmp:
        pieces = train_spm(ar + en, os.path.join(tmp, "spm"), size["pieces"], seed)
        copy_file(os.path.join(tmp, "spm.model"), os.path.join(out_dir, "sentencepiece.model"))
    body = [p for p in pieces if p not in {"<unk>", "<s>", "</s>"}]
    tokens = ["<unk>", "<blank>", "<s>", "</s>"] + body
    english = english_pieces(en, size, seed) & set(body)

    def make_spec(eos_bias):
        bias = output_bias(tokens, english | {"</s>"}, "</s>", eos_bias)
        spec = build_transformer(size, len(tokens), Random(seed), bias, pre_norm=True, activation="relu")
        spec.config.bos_token = "<s>"
        spec.config.eos_token = "</s>"
        spec.config.unk_token = "<unk>"
        spec.config.decoder_start_token = "<s>"
        spec.register_source_vocabulary(tokens)
        spec.register_target_vocabulary(tokens)
        return spec

    import sentencepiece as spm
    sp = spm.SentencePieceProcessor(model_file=os.path.join(out_dir, "sentencepiece.model"))
    save_tuned(make_spec, model_dir, quantization, lambda s: sp.encode(s, out_type=str), size_name=size_name)
    metadata = {
        "package_version": "1.0", "argos_version": "1.0", "from_code": "ar",
        "from_name": "Arabic", "to_code": "en", "to_name": "English", "type": "translate",
        "languages": [{"code": "ar", "name": "Arabic"}, {"code": "en", "name": "English"}],
    }
    with open(os.path.join(out_dir, "metadata.json"), "w", encoding="utf-8") as f:
        json.dump(metadata, f, indent=2)
    with open(os.path.join(out_dir, "README.md"), "w", encoding="utf-8") as f:
        f.write("Generated Argos-style package for tests (random weights).\n")
    write_note(out_dir, "argos", size_name, quantization, seed,
               "an Argos Translate package (translate-ar_en-1_0.argosmodel, unpacked)")


def hf(out_dir, size_name, quantization, seed):
    """A model tokenized by a Hugging Face tokenizer.json."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    size = SIZES[size_name]
    os.makedirs(out_dir, exist_ok=True)
    ar, en = tico_sides()
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.BpeTrainer(vocab_size=size["pieces"] * 2, special_tokens=["<pad>", "</s>", "<unk>"],
                                  show_progress=False)
    tok.train_from_iterator(ar + en, trainer)
    eos_id = tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", eos_id)])
    tok.save(os.path.join(out_dir, "tokenizer.json"))
    vocab = tok.get_vocab()
    tokens = [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
    en_tokens = set()
    for line in en[:2000]:
        en_tokens.update(tok.encode(line).tokens)
    en_tokens.discard("<pad>")

    def make_spec(eos_bias):
        bias = output_bias(tokens, en_tokens | {"</s>"}, "</s>", eos_bias)
        spec = build_transformer(size, len(tokens), Random(seed), bias)
        spec.decoder.start_from_zero_embedding = True
        spec.config.eos_token = "</s>"
        spec.config.unk_token = "<unk>"
        spec.config.decoder_start_token = "</s>"
        spec.register_source_vocabulary(tokens)
        spec.register_target_vocabulary(tokens)
        return spec

    save_tuned(make_spec, out_dir, quantization, lambda s: tok.encode(s).tokens, size_name=size_name)
    write_note(out_dir, "hf", size_name, quantization, seed,
               "a CTranslate2 model shipped with a Hugging Face tokenizer.json")


FAMILIES = {"opus-mt": opus_mt, "nllb": nllb, "m2m100": m2m100, "argos": argos, "hf": hf}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("family", choices=sorted(FAMILIES))
    ap.add_argument("out_dir")
    ap.add_argument("--size", choices=sorted(SIZES), default="tiny")
    ap.add_argument("--quantization", default=None, help="int8, int16, float16 … (default: float32)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not os.path.exists(TICO):
        sys.exit("gen-test-models: %s is missing (the shared data folder)" % TICO)
    FAMILIES[args.family](args.out_dir, args.size, args.quantization, args.seed)


if __name__ == "__main__":
    main()
