"""Elastic Caffe's inference server: a long-lived process holding loaded Caffe nets.

Speaks JSON lines on stdin/stdout (container/inference/client.ts is its only client):
  {"id": 1, "op": "load", "key": "...", "deploy": "/path", "weights": "/path", "input": "data", "output": "prob"}
  {"id": 2, "op": "classify", "key": "...", "shape": [n, c, h, w], "data": "<base64 float32, CHW>"}
and answers {"id": 1, "ok": true, ...} or {"id": 1, "error": "..."} per request, in order.

Why its own server: Caffe's example `classification` tool costs ~0.2 s per spawn and preprocesses
differently from training; here a net is loaded once and each request is one forward pass. Images
arrive already preprocessed (core/caffe/preprocess.ts), so this file needs only NumPy and Caffe's
`_caffe` extension, loaded directly: `import caffe` would pull in scikit-image, SciPy, matplotlib.
Exits when stdin closes (its parent went away).
"""
import base64
import collections
import glob
import importlib.util
import json
import os
import sys

import numpy as np


def load_caffe_extension():
    directory = os.environ.get("CAFFE_PYTHON_DIR", "/usr/lib/python3/dist-packages")
    found = sorted(glob.glob(os.path.join(directory, "caffe", "_caffe*.so")))
    if not found:
        raise SystemExit(f"no caffe/_caffe*.so under {directory} (is python3-caffe installed?)")
    spec = importlib.util.spec_from_file_location("_caffe", found[0])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


caffe = load_caffe_extension()
caffe.set_mode_cpu()
TEST_PHASE = 1
MAX_NETS = int(os.environ.get("INFERENCE_MAX_NETS", "8"))
# Loaded nets by key, least recently used first (so memory stays bounded on a long-lived host).
nets = collections.OrderedDict()


class LoadedNet:
    def __init__(self, deploy, weights, input_name, output_name):
        self.net = caffe.Net(deploy, weights, TEST_PHASE)
        names = list(self.net._blob_names)
        for name in (input_name, output_name):
            if name not in names:
                raise ValueError(f'the deploy net has no blob "{name}" (blobs: {", ".join(names)})')
        self.input = self.net._blobs[names.index(input_name)]
        self.output = self.net._blobs[names.index(output_name)]
        self.last_layer = len(self.net.layers) - 1

    def classify(self, shape, data):
        batch = np.frombuffer(base64.b64decode(data), dtype=np.float32).reshape(shape)
        if tuple(self.input.shape) != tuple(shape):
            self.input.reshape(*shape)
            self.net.reshape()
        self.input.data[...] = batch
        self.net._forward(0, self.last_layer)
        probabilities = np.ascontiguousarray(self.output.data.reshape(shape[0], -1), dtype=np.float32)
        return {"classes": probabilities.shape[1], "probabilities": base64.b64encode(probabilities.tobytes()).decode("ascii")}


def handle(request):
    op = request.get("op")
    key = request.get("key")
    if op == "load":
        if key in nets:
            nets.move_to_end(key)
        else:
            nets[key] = LoadedNet(request["deploy"], request["weights"], request["input"], request["output"])
            while len(nets) > MAX_NETS:
                nets.popitem(last=False)
        return {}
    if op == "classify":
        if key not in nets:
            raise KeyError(f"net {key} is not loaded")
        nets.move_to_end(key)
        return nets[key].classify(request["shape"], request["data"])
    if op == "unload":
        nets.pop(key, None)
        return {}
    raise ValueError(f"unknown op {op!r}")


def main():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            answer = {"id": request.get("id"), "ok": True, **handle(request)}
        except Exception as error:  # one bad request must not take the server down
            answer = {"id": request.get("id"), "error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
