"""Dynamic int8 quantization of the exported ONNX model.

  python training/ner/quantize.py --inp training/runs/final/onnx/model.onnx --out models/detente/model.onnx
"""
import argparse
import os

from onnxruntime.quantization import QuantType, quantize_dynamic


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inp", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ops", default="MatMul,Gather",
                    help="op types to quantize; MatMul only keeps the 47 MB word-embedding table in fp32")
    args = ap.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    quantize_dynamic(args.inp, args.out, per_channel=True, op_types_to_quantize=args.ops.split(","), weight_type=QuantType.QInt8)
    print(f"{args.inp}: {os.path.getsize(args.inp) / 1e6:.1f} MB -> {args.out}: {os.path.getsize(args.out) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
