#!/bin/sh
# Caffe 1.0 (CPU) and what pycaffe's `_caffe` extension needs, from Debian bullseye: the one install
# step the worker image (container/Dockerfile), the classify function's image (Dockerfile.classify)
# and the GPU image's pycaffe prefix (Dockerfile.gpu) share, run the same way in each so its layer is
# built once and cached for all. The set is local/caffe/install.ts' PYCAFFE_PACKAGES, the same the
# local cloud unpacks.
#
# - caffe: Caffe 1.0 CPU build with its tools (caffe, convert_imageset, compute_image_mean,
#   convert_mnist_data, upgrade_net_proto_text, ...).
# - libopenblas0-pthread: multithreaded OpenBLAS; its alternative for libblas.so.3/liblapack.so.3
#   outranks the reference BLAS, which is ~5x slower for Caffe's GEMMs.
# - libboost-python1.74.0, libpython3.9, python3.9-minimal, python3-numpy: what `_caffe` and the
#   inference server (container/inference/server.py) need.
# - python3-caffe is unpacked without its dependencies (dpkg -x): they are IPython, matplotlib,
#   scikit-image, pandas … for `import caffe`, and server.py loads only the `_caffe` extension by path.
# - ca-certificates: the images talk HTTPS to S3 and DynamoDB.
# --no-install-recommends keeps out X11 and friends; the package lists are not needed at run time.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends caffe libopenblas0-pthread \
  libboost-python1.74.0 libpython3.9 python3.9-minimal python3-numpy ca-certificates
cd /tmp
apt-get download python3-caffe
dpkg -x python3-caffe_*.deb /
rm python3-caffe_*.deb
rm -rf /var/lib/apt/lists/*
