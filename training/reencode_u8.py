"""Re-encodes the int8 weights of an ONNX model's MatMulInteger nodes as
uint8 with the zero point moved by 128: the same numbers (w_u8 - zp_u8 ==
w_s8 - zp_s8 exactly), so the model computes the same function.

Why: with int8 weights and uint8 activations ONNX Runtime runs the u8s8
kernel, which on x86 CPUs without VNNI (AVX2 only) adds pairs of products in
saturating 16-bit arithmetic (VPMADDUBSW) and so gets some sums wrong; ONNX
Runtime's quantization guide recommends 7-bit weights there. Measured on an
AVX2-only AMD EPYC with the model of 39afa45: PLOVER held-out stance
macro-F1 0.808 instead of the 0.845 a VNNI CPU gives, team dev 0.834 instead
of 0.852. With uint8 weights ONNX Runtime takes the u8u8 kernel, whose
16-bit products cannot saturate, so every x86 CPU computes the exact integer
sums a VNNI CPU does, and the scores agree (to float rounding in the fp32
parts).

  python training/reencode_u8.py MODEL.onnx [OUT.onnx]   # in place without OUT
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def reencode(model):
    """Rewrites the int8 B inputs and B zero points of every MatMulInteger
    in place; returns how many initializers changed."""
    inits = {i.name: i for i in model.graph.initializer}
    names = set()
    for node in model.graph.node:
        if node.op_type == "MatMulInteger":
            names.update(n for n in node.input[1:4:2] if n in inits)
    changed = 0
    for name in sorted(names):
        a = numpy_helper.to_array(inits[name])
        if a.dtype != np.int8:
            continue
        inits[name].CopyFrom(numpy_helper.from_array((a.astype(np.int16) + 128).astype(np.uint8), name))
        changed += 1
    return changed


def reencode_file(src, dst=None):
    """Loads the ONNX model at src, re-encodes it (reencode) and saves it to
    dst (default: src, in place); returns how many initializers changed."""
    model = onnx.load(src)
    n = reencode(model)
    onnx.save(model, dst or src)
    return n


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    src = sys.argv[1]
    dst = sys.argv[2] if len(sys.argv) == 3 else src
    n = reencode_file(src, dst)
    print(f"{n} int8 weight and zero-point tensors re-encoded as uint8 -> {dst}")


if __name__ == "__main__":
    main()
