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

Usage:
  scripts/gen-test-models.py opus-mt OUT_DIR [--size tiny|real] [--quantization int8] [--seed N]

`tiny` (the committed test fixture, < 1 MB): 2+2 layers, d=32, 4 heads, ff=64, SentencePiece
vocabularies of 400 pieces per side trained on TICO-19 (CC0) text from ../shared/data.
`real` (benchmarks): opus-mt-ar-en's shape: 6+6 layers, d=512, 8 heads, ff=2048, 62,834 tokens.

Needs Python packages ctranslate2 (same version as the library the project links), sentencepiece
and numpy; `scripts/pyenv` makes a virtualenv with them.
"""
import argparse
import json
import math
import os
import re
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data"))
TICO = os.path.join(SHARED, "tico19-en-ar", "all.en-ar.tmx")

SIZES = {
    # layers, d_model, heads, ffn, pieces per side, vocabulary size (None: as trained)
    "tiny": dict(layers=2, d=32, heads=4, ff=64, pieces=400, vocab=None, max_pos=512),
    "real": dict(layers=6, d=512, heads=8, ff=2048, pieces=8000, vocab=62834, max_pos=512),
}


# Logit bias on </s>, chosen so that outputs are mostly 5-30 tokens long (measured on TICO
# sentences with beam 4).
EOS_BIAS = {"tiny": 3.3, "real": 3.3}


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


def train_spm(lines, prefix, pieces, seed):
    import sentencepiece as spm

    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write("\n".join(lines))
        path = f.name
    # Marian's SentencePiece models: unigram, <unk>=0 <s>=1 </s>=2, no <pad>.
    spm.SentencePieceTrainer.train(
        input=path, model_prefix=prefix, vocab_size=pieces, model_type="unigram",
        character_coverage=1.0, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        minloglevel=2, num_threads=1,
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


def build_transformer(size, vocab_size, rnd, output_bias):
    from ctranslate2.specs import common_spec, transformer_spec

    d, ff, layers = size["d"], size["ff"], size["layers"]
    spec = transformer_spec.TransformerSpec.from_config(
        (layers, layers), size["heads"], pre_norm=False,
        activation=common_spec.Activation.SWISH, layernorm_embedding=False,
    )
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
    spec.decoder.start_from_zero_embedding = True
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
    rnd = Random(seed)
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
    # Output bias: a trained ar→en model writes English pieces and stops after a sentence's worth
    # of tokens. Random weights do neither, so the bias makes the generated model behave that way
    # structurally: source-only pieces are never produced, and </s> becomes likely after a
    # handful of steps. (Still random output, never a translation.)
    target_side = set(tgt_pieces)
    bias = np.array([0.0 if t in target_side else -30.0 for t in tokens], dtype=np.float32)
    bias[0] = EOS_BIAS[size_name]  # "</s>"
    spec = build_transformer(size, len(tokens), rnd, bias)
    spec.config.eos_token = "</s>"
    spec.config.unk_token = "<unk>"
    spec.config.decoder_start_token = "</s>"
    spec.register_source_vocabulary(tokens)
    spec.register_target_vocabulary(tokens)
    spec.validate()
    spec.optimize(quantization=quantization)
    spec.save(out_dir)
    with open(os.path.join(out_dir, "GENERATED.md"), "w", encoding="utf-8") as f:
        f.write(
            "# Generated test model: random weights, not a translation model\n\n"
            "Made by `scripts/gen-test-models.py opus-mt %s --size %s%s --seed %d`.\n"
            "File layout, vocabulary and tokenizers follow a CTranslate2 conversion of\n"
            "Helsinki-NLP/opus-mt-ar-en; the weights are random, so its output is random\n"
            "English-looking pieces. SentencePiece models trained on TICO-19 (CC0).\n"
            % (os.path.basename(out_dir), size_name,
               " --quantization " + quantization if quantization else "", seed)
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("family", choices=["opus-mt"])
    ap.add_argument("out_dir")
    ap.add_argument("--size", choices=sorted(SIZES), default="tiny")
    ap.add_argument("--quantization", default=None, help="int8, int16, float16 … (default: float32)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not os.path.exists(TICO):
        sys.exit("gen-test-models: %s is missing (the shared data folder)" % TICO)
    {"opus-mt": opus_mt}[args.family](args.out_dir, args.size, args.quantization, args.seed)


if __name__ == "__main__":
    main()
