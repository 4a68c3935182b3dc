#!/usr/bin/env python3
"""Generate random-weight BERT-style ONNX models with the real shapes of the registry's models,
for `npm run bench:embed` (bench/embed.ts runs this script when a model is missing).

    apt-get install -y python3-onnx python3-numpy
    /usr/bin/python3 scripts/make-bench-models.py OUT_DIR MODEL_ID [MODEL_ID ...]
    /usr/bin/python3 scripts/make-bench-models.py OUT_DIR probes

For each model it writes OUT_DIR/<model id>/ with config.json, tokenizer.json,
tokenizer_config.json, onnx/model.onnx (fp32) and onnx/model_quantized.onnx (int8), the layout
Transformers.js loads from a models folder. `probes` writes OUT_DIR/probes/matmul-fp32.onnx and
matmul-int8.onnx: one matrix product of a BERT feed-forward's shape, to measure the machine's
rate (FLOP/s) in each precision. The weights are random: the vectors mean nothing,
but every matrix has the real model's shape, so the time a text takes is the real model's.

The int8 file is made the way the hub's model_quantized.onnx files are (onnxruntime's dynamic
quantization): every MatMul by a weight becomes DynamicQuantizeLinear on the activations,
MatMulInteger with the weight stored as int8 (one scale per tensor), and a float rescale; the
word embeddings are stored as int8 and dequantized. onnxruntime's Python quantizer is not
installable here offline, so the transform is written out below.

The tokenizer is a WordPiece one whose vocabulary holds every word of the repository's articles
(padded with unused entries to the model's vocabulary size), so news text comes out at about one
token a word; chunks are cut to a token budget, so their lengths in tokens are realistic.
"""

import json
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')

# layers, hidden size, heads, feed-forward size, vocabulary, max positions (from each model's config.json)
SHAPES = {
    'Xenova/bge-small-en-v1.5': (12, 384, 12, 1536, 30522, 512),
    'Xenova/bge-base-en-v1.5': (12, 768, 12, 3072, 30522, 512),
    'Xenova/all-MiniLM-L6-v2': (6, 384, 12, 1536, 30522, 512),
    'Xenova/multilingual-e5-small': (12, 384, 12, 1536, 250037, 512),
}
MODEL_MAX_LENGTH = {'Xenova/all-MiniLM-L6-v2': 256}
SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']


class Graph:
    """Nodes and initializers of one ONNX graph, with fresh names."""

    def __init__(self, rng):
        self.rng = rng
        self.nodes = []
        self.inits = []
        self.count = 0

    def name(self, hint):
        self.count += 1
        return f'{hint}_{self.count}'

    def const(self, array, hint='c'):
        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, shape, hint='w', std=0.02):
        return self.const((std * self.rng.standard_normal(shape)).astype(np.float32), hint)

    def op(self, op_type, inputs, hint=None, **attrs):
        out = self.name(hint or op_type.lower())
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out


def layer_norm(g, x, hidden):
    scale = g.const(np.ones(hidden, np.float32), 'ln_scale')
    bias = g.const(np.zeros(hidden, np.float32), 'ln_bias')
    return g.op('LayerNormalization', [x, scale, bias], epsilon=1e-12, axis=-1)


def dense(g, x, rows, cols):
    return g.op('Add', [g.op('MatMul', [x, g.weight((rows, cols))]), g.weight((cols,))])


def gelu(g, x):
    inner = g.op('Erf', [g.op('Div', [x, g.const(np.float32(np.sqrt(2.0)))])])
    return g.op('Mul', [g.op('Mul', [x, g.const(np.float32(0.5))]), g.op('Add', [inner, g.const(np.float32(1.0))])])


def heads(g, x, n_heads, head_size):
    shaped = g.op('Reshape', [x, g.const(np.array([0, 0, n_heads, head_size], np.int64))])
    return g.op('Transpose', [shaped], perm=[0, 2, 1, 3])


def attention(g, x, mask_bias, hidden, n_heads):
    head_size = hidden // n_heads
    q, k, v = (heads(g, dense(g, x, hidden, hidden), n_heads, head_size) for _ in range(3))
    scores = g.op('MatMul', [q, g.op('Transpose', [k], perm=[0, 1, 3, 2])])
    scores = g.op('Add', [g.op('Div', [scores, g.const(np.float32(np.sqrt(head_size)))]), mask_bias])
    context = g.op('MatMul', [g.op('Softmax', [scores], axis=-1), v])
    merged = g.op('Reshape', [g.op('Transpose', [context], perm=[0, 2, 1, 3]), g.const(np.array([0, 0, hidden], np.int64))])
    return dense(g, merged, hidden, hidden)


def bert(model_id, seed):
    layers, hidden, n_heads, ffn, vocab, positions = SHAPES[model_id]
    g = Graph(np.random.default_rng(seed))
    word = g.op('Gather', [g.weight((vocab, hidden), 'word_embeddings'), 'input_ids'])
    seq_len = g.op('Gather', [g.op('Shape', ['input_ids']), g.const(np.int64(1))], axis=0)
    position_ids = g.op('Range', [g.const(np.int64(0)), seq_len, g.const(np.int64(1))])
    position = g.op('Gather', [g.weight((positions, hidden)), position_ids])
    token_type = g.op('Gather', [g.weight((2, hidden)), 'token_type_ids'])
    x = layer_norm(g, g.op('Add', [g.op('Add', [word, position]), token_type]), hidden)
    mask = g.op('Cast', [g.op('Unsqueeze', ['attention_mask', g.const(np.array([1, 2], np.int64))])], to=TensorProto.FLOAT)
    mask_bias = g.op('Mul', [g.op('Sub', [g.const(np.float32(1.0)), mask]), g.const(np.float32(-10000.0))])
    for _ in range(layers):
        x = layer_norm(g, g.op('Add', [x, attention(g, x, mask_bias, hidden, n_heads)]), hidden)
        x = layer_norm(g, g.op('Add', [x, dense(g, gelu(g, dense(g, x, hidden, ffn)), ffn, hidden)]), hidden)
    g.nodes.append(helper.make_node('Identity', [x], ['last_hidden_state']))
    batch_seq = ['batch_size', 'sequence_length']
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, batch_seq)
              for n in ('input_ids', 'attention_mask', 'token_type_ids')]
    output = helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT, batch_seq + [hidden])
    graph = helper.make_graph(g.nodes, 'bert', inputs, [output], g.inits)
    model = helper.make_model(graph, producer_name='newsroom-bot make-bench-models.py',
                              opset_imports=[helper.make_opsetid('', 17)])
    model.ir_version = 8
    return model


def quantize_int8(array):
    """Symmetric per-tensor int8, as onnxruntime's dynamic quantization stores weights."""
    scale = max(float(np.abs(array).max()) / 127.0, 1e-12)
    return np.clip(np.round(array / scale), -127, 127).astype(np.int8), np.float32(scale)


def quantized(model):
    """The dynamic-quantized copy: MatMul by a 2-D weight → DynamicQuantizeLinear + MatMulInteger."""
    inits = {t.name: t for t in model.graph.initializer}
    weights = {}
    nodes = []
    counter = [0]

    def fresh(hint):
        counter[0] += 1
        return f'{hint}_q{counter[0]}'

    def add_init(array, hint):
        name = fresh(hint)
        weights[name] = numpy_helper.from_array(np.asarray(array), name)
        return name

    used = set()
    for node in model.graph.node:
        const = inits.get(node.input[1]) if len(node.input) > 1 else None
        if node.op_type == 'MatMul' and const is not None and len(const.dims) == 2:
            w_q, w_scale = quantize_int8(numpy_helper.to_array(const))
            a_q, a_scale, a_zp = fresh('a_q'), fresh('a_scale'), fresh('a_zp')
            nodes.append(helper.make_node('DynamicQuantizeLinear', [node.input[0]], [a_q, a_scale, a_zp]))
            product = fresh('int_product')
            nodes.append(helper.make_node('MatMulInteger', [a_q, add_init(w_q, 'w_q'), a_zp, add_init(np.int8(0), 'w_zp')], [product]))
            as_float = fresh('product_float')
            nodes.append(helper.make_node('Cast', [product], [as_float], to=TensorProto.FLOAT))
            scale = fresh('scale')
            nodes.append(helper.make_node('Mul', [a_scale, add_init(w_scale, 'w_scale')], [scale]))
            nodes.append(helper.make_node('Mul', [as_float, scale], list(node.output)))
            used.add(const.name)
        elif node.op_type == 'Gather' and node.input[0] in inits and inits[node.input[0]].name.startswith('word_embeddings'):
            table = inits[node.input[0]]
            w_q, w_scale = quantize_int8(numpy_helper.to_array(table))
            dequantized = fresh('word_embeddings_dq')
            nodes.append(helper.make_node('DequantizeLinear', [add_init(w_q, 'word_q'), add_init(w_scale, 'word_scale'), add_init(np.int8(0), 'word_zp')], [dequantized]))
            nodes.append(helper.make_node('Gather', [dequantized, node.input[1]], list(node.output)))
            used.add(table.name)
        else:
            nodes.append(node)
    kept = [t for t in model.graph.initializer if t.name not in used] + list(weights.values())
    graph = helper.make_graph(nodes, model.graph.name, model.graph.input, model.graph.output, kept)
    out = helper.make_model(graph, producer_name='newsroom-bot make-bench-models.py (dynamic int8)',
                            opset_imports=list(model.opset_import))
    out.ir_version = model.ir_version
    return out


def corpus_words():
    words = set()
    for folder in (os.path.join(ROOT, 'articles'), os.path.join(ROOT, 'bench', 'news')):
        for dirpath, _, files in os.walk(folder):
            for file in files:
                if file.endswith(('.md', '.txt', '.html', '.json')):
                    with open(os.path.join(dirpath, file), encoding='utf-8', errors='replace') as handle:
                        words.update(re.findall(r'[^\W\d_]+|\d+', handle.read().lower()))
    return sorted(words)


def tokenizer_files(vocab_size, max_length):
    chars = [chr(c) for c in range(33, 127)]
    tokens = SPECIALS + chars + ['##' + c for c in chars if c.isalnum()]
    tokens += [w for w in corpus_words() if w not in set(tokens)]
    tokens = tokens[:vocab_size] + [f'[unused{i}]' for i in range(vocab_size - len(tokens))]
    special = [{'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                'normalized': False, 'special': True} for i, t in enumerate(SPECIALS)]
    tokenizer = {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': special,
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {'type': 'TemplateProcessing',
                           'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}},
                                      {'Sequence': {'id': 'A', 'type_id': 0}},
                                      {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
                           'pair': [],
                           'special_tokens': {'[CLS]': {'id': '[CLS]', 'ids': [2], 'tokens': ['[CLS]']},
                                              '[SEP]': {'id': '[SEP]', 'ids': [3], 'tokens': ['[SEP]']}}},
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(tokens)}},
    }
    config = {'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'model_max_length': max_length,
              'pad_token': '[PAD]', 'unk_token': '[UNK]', 'cls_token': '[CLS]', 'sep_token': '[SEP]',
              'mask_token': '[MASK]'}
    return tokenizer, config


def write_json(path, value):
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(value, handle, ensure_ascii=False)


def make(out_dir, model_id, seed):
    layers, hidden, n_heads, ffn, vocab, positions = SHAPES[model_id]
    folder = os.path.join(out_dir, *model_id.split('/'))
    os.makedirs(os.path.join(folder, 'onnx'), exist_ok=True)
    tokenizer, tokenizer_config = tokenizer_files(vocab, MODEL_MAX_LENGTH.get(model_id, positions))
    write_json(os.path.join(folder, 'tokenizer.json'), tokenizer)
    write_json(os.path.join(folder, 'tokenizer_config.json'), tokenizer_config)
    write_json(os.path.join(folder, 'config.json'), {
        'architectures': ['BertModel'], 'model_type': 'bert', 'hidden_size': hidden,
        'num_hidden_layers': layers, 'num_attention_heads': n_heads, 'intermediate_size': ffn,
        'hidden_act': 'gelu', 'max_position_embeddings': positions, 'type_vocab_size': 2,
        'vocab_size': vocab, 'pad_token_id': 0, 'layer_norm_eps': 1e-12,
        '_note': 'Random weights with the real shape, for bench:embed (scripts/make-bench-models.py).'})
    model = bert(model_id, seed)
    onnx.save(model, os.path.join(folder, 'onnx', 'model.onnx'))
    onnx.save(quantized(model), os.path.join(folder, 'onnx', 'model_quantized.onnx'))
    print(f'wrote {folder}', file=sys.stderr)


def probes(out_dir, rows=2048, inner=384, cols=1536):
    """x[rows, inner] · W[inner, cols] in fp32, and the same as the int8 model does it."""
    rng = np.random.default_rng(7)
    fp32 = helper.make_graph(
        [helper.make_node('MatMul', ['x', 'w'], ['y'])], 'matmul_fp32',
        [helper.make_tensor_value_info('x', TensorProto.FLOAT, [rows, inner])],
        [helper.make_tensor_value_info('y', TensorProto.FLOAT, [rows, cols])],
        [numpy_helper.from_array((0.02 * rng.standard_normal((inner, cols))).astype(np.float32), 'w')])
    model = helper.make_model(fp32, opset_imports=[helper.make_opsetid('', 17)])
    model.ir_version = 8
    os.makedirs(os.path.join(out_dir, 'probes'), exist_ok=True)
    onnx.save(model, os.path.join(out_dir, 'probes', 'matmul-fp32.onnx'))
    onnx.save(quantized(model), os.path.join(out_dir, 'probes', 'matmul-int8.onnx'))


def main():
    if sys.argv[2:] == ['probes']:
        probes(sys.argv[1])
        return
    if len(sys.argv) < 3 or any(m not in SHAPES for m in sys.argv[2:]):
        sys.exit(f'usage: make-bench-models.py OUT_DIR MODEL_ID...; models: {", ".join(SHAPES)}')
    for index, model_id in enumerate(sys.argv[2:]):
        make(sys.argv[1], model_id, 1000 + index)


if __name__ == '__main__':
    main()
