#!/usr/bin/env python3
"""Writes tiny-lama.onnx: a stand-in with LaMa's signature (image 1x3x512x512 in [0,1], mask 1x1x512x512 in
{0,1} -> output 1x3x512x512 in [0,1]) that fills the masked pixels with mid-grey and keeps the rest.
It tests the LaMa adapter's plumbing (sizes, normalisation, strategies, paste-back), not inpainting quality.
Run with Debian's python3-onnx: /usr/bin/python3 make_tiny_lama.py"""
import onnx
from onnx import helper, TensorProto

image = helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 512, 512])
mask = helper.make_tensor_value_info("mask", TensorProto.FLOAT, [1, 1, 512, 512])
output = helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3, 512, 512])
one = helper.make_tensor("one", TensorProto.FLOAT, [], [1.0])
half = helper.make_tensor("half", TensorProto.FLOAT, [], [0.5])
nodes = [
    helper.make_node("Sub", ["one", "mask"], ["keep"]),
    helper.make_node("Mul", ["image", "keep"], ["kept"]),
    helper.make_node("Mul", ["mask", "half"], ["grey"]),
    helper.make_node("Add", ["kept", "grey"], ["output"]),
]
graph = helper.make_graph(nodes, "tiny_lama", [image, mask], [output], initializer=[one, half])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="darkroom-tests")
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, "tiny-lama.onnx")
