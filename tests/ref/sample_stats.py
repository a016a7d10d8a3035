#!/usr/bin/python3
"""Independent statistics of the bundled MNIST sample (gzip + numpy only), used as
expected values in tests/test_dataset.c. Output committed as sample_stats.out.
Run: /usr/bin/python3 tests/ref/sample_stats.py assets/mnist-sample"""
import gzip
import sys

import numpy as np


def read_idx(path):
    b = gzip.open(path).read() if path.endswith(".gz") else open(path, "rb").read()
    assert b[0] == 0 and b[1] == 0 and b[2] == 8
    nd = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


d = sys.argv[1] if len(sys.argv) > 1 else "assets/mnist-sample"
X = read_idx(d + "/train-images-idx3-ubyte.gz")
y = read_idx(d + "/train-labels-idx1-ubyte.gz")
T = read_idx(d + "/t10k-images-idx3-ubyte.gz")
ty = read_idx(d + "/t10k-labels-idx1-ubyte.gz")
print("train shape", X.shape, "test shape", T.shape)
print("train pixel sum", int(X.astype(np.int64).sum()))
print("test pixel sum", int(T.astype(np.int64).sum()))
print("train labels[:10]", list(y[:10]))
print("test labels[:10]", list(ty[:10]))
print("train X[0,14,:]", list(X[0, 14, :]))
print("train lit (X/255 > 0.5)", int((X / 255. > 0.5).sum()))
print("train lit (X/255 > 0.0)", int((X / 255. > 0.0).sum()))
print("last train image pixel sum", int(X[-1].astype(np.int64).sum()), "label", int(y[-1]))
