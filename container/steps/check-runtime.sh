#!/bin/sh
# The build-time checks of the CPU images (worker and classify function): fail the build, not the
# first job or request, if Node or Caffe don't run here, BLAS isn't OpenBLAS, or the inference server
# ($1) can't load `_caffe` (it imports it on start and exits cleanly when stdin closes).
set -eu
node --version
caffe --version
if ! ls -l /etc/alternatives/ | grep -q 'libblas\.so\.3.*openblas-pthread'; then
  echo 'libblas.so.3 is not OpenBLAS' >&2
  exit 1
fi
python3 "$1" < /dev/null
