#!/usr/bin/env python3
"""Writes two stand-ins with the signatures of the photo step's models, to test the adapters' plumbing (sizes,
letterbox, normalisation, decoding, suppression, softmax, mapping), not recognition:

tiny-imagenet.onnx  input 1x3x224x224 (normalised as the catalog's mobilenetv2) -> output 1x1000 logits:
                    each channel's mean times 4 as the logit of one class (R -> 963 pizza, G -> 975 lakeside,
                    B -> 281 tabby cat), every other logit 0.
tiny-yolox.onnx     images 1x3x640x640 (raw 0..255) -> output 1x8400x85 (YOLOX rows: cx, cy, log w, log h in grid
                    cells of strides 8/16/32, objectness, 80 class scores): all zero but five fixed anchors (a person,
                    a weaker duplicate of it, a cat overlapping it, a dog, and one below the score threshold), plus
                    0 x the input's mean so the input is used.

Run with Debian's python3-onnx: /usr/bin/python3 make_tiny_photo_models.py"""
import math
import onnx
from onnx import helper, TensorProto


def save(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="darkroom-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


# --- tiny-imagenet ---
weights = [0.0] * (3 * 1000)
for channel, cls in enumerate([963, 975, 281]):
    weights[channel * 1000 + cls] = 4.0
save(helper.make_graph(
    [
        helper.make_node("ReduceMean", ["input"], ["means"], axes=[2, 3], keepdims=0),
        helper.make_node("MatMul", ["means", "w"], ["output"]),
    ],
    "tiny_imagenet",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 224, 224])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1000])],
    initializer=[helper.make_tensor("w", TensorProto.FLOAT, [3, 1000], weights)],
), "tiny-imagenet.onnx")

# --- tiny-yolox ---
def anchor(stride, gx, gy):
    offset = sum((640 // s) ** 2 for s in [8, 16, 32] if s < stride)
    return offset + gy * (640 // stride) + gx

# (anchor, cx offset, cy offset, w in strides, h in strides, objectness, class, class score)
boxes = [
    (anchor(32, 5, 6), 0.5, 0.5, 4, 6, 0.9, 0, 0.95),    # person: centre (176, 208), 128 x 192 -> score 0.855
    (anchor(16, 11, 13), 0.1, 0.0, 8, 12, 0.8, 0, 0.9),  # the same person, weaker (0.72): suppressed
    (anchor(16, 10, 12), 0.5, 0.5, 7, 10, 0.9, 15, 0.8),  # a cat overlapping the person (0.72): another class, kept
    (anchor(8, 60, 20), 0.5, 0.5, 10, 10, 0.7, 16, 0.9),  # a dog: centre (484, 164), 80 x 80 -> 0.63
    (anchor(8, 10, 10), 0.5, 0.5, 4, 4, 0.2, 53, 0.5),   # a pizza at 0.1: below the threshold
]
indices, updates = [], []
for a, dx, dy, w, h, obj, cls, score in boxes:
    for field, value in [(0, dx), (1, dy), (2, math.log(w)), (3, math.log(h)), (4, obj), (5 + cls, score)]:
        indices += [0, a, field]
        updates.append(value)
save(helper.make_graph(
    [
        helper.make_node("ConstantOfShape", ["shape"], ["zeros"], value=helper.make_tensor("zero", TensorProto.FLOAT, [1], [0.0])),
        helper.make_node("ScatterND", ["zeros", "indices", "updates"], ["rows"]),
        helper.make_node("ReduceMean", ["images"], ["mean"], keepdims=0),
        helper.make_node("Mul", ["mean", "nothing"], ["unused"]),
        helper.make_node("Add", ["rows", "unused"], ["output"]),
    ],
    "tiny_yolox",
    [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 640, 640])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 8400, 85])],
    initializer=[
        helper.make_tensor("shape", TensorProto.INT64, [3], [1, 8400, 85]),
        helper.make_tensor("indices", TensorProto.INT64, [len(updates), 3], indices),
        helper.make_tensor("updates", TensorProto.FLOAT, [len(updates)], updates),
        helper.make_tensor("nothing", TensorProto.FLOAT, [], [0.0]),
    ],
), "tiny-yolox.onnx")
