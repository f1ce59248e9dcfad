"""ONNX Runtime session options against the shipped graph: milliseconds per
forward pass of 4 rows x 128 pieces (what `detente annotate` runs), one
thread, best of 5 x 10 passes. It is why `src/engine.rs` disables
SkipLayerNormFusion. Needs onnxruntime (the training venv has it):

  training/.venv/bin/python benches/ort_options.py [models/detente/model.onnx]
"""
import sys
import time

import numpy as np
import onnxruntime as ort

LEVELS = {"basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
          "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
          "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL}


def ms_per_pass(path, level="all", disabled=""):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.graph_optimization_level = LEVELS[level]
    if disabled:
        so.add_session_config_entry("optimization.disable_specified_optimizers", disabled)
    s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    shape = (4, 128)
    feed = {"input_ids": rng.integers(1000, 20000, shape).astype(np.int64),
            "attention_mask": np.ones(shape, np.int64),
            "case_ids": rng.integers(1, 13, shape).astype(np.int64)}
    feed = {i.name: feed[i.name] for i in s.get_inputs()}
    for _ in range(3):
        s.run(None, feed)
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(10):
            s.run(None, feed)
        best = min(best, (time.perf_counter() - t) / 10)
    return best * 1e3


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "models/detente/model.onnx"
    print(f"{path}, onnxruntime {ort.__version__}, ms per pass (4 x 128 pieces, 1 thread)")
    for label, kw in [("level all (default)", {}),
                      ("level all, SkipLayerNormFusion off (detente)", dict(disabled="SkipLayerNormFusion")),
                      ("level all, SkipLayerNorm + LayerNorm fusions off", dict(disabled="SkipLayerNormFusion,LayerNormFusion")),
                      ("level all, Gelu fusions off", dict(disabled="BiasGeluFusion,GeluFusion")),
                      ("level extended", dict(level="extended")),
                      ("level basic", dict(level="basic"))]:
        print(f"{ms_per_pass(path, **kw):7.1f}  {label}")


if __name__ == "__main__":
    main()
