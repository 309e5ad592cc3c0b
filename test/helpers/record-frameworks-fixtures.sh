#!/bin/sh
# Re-records every fixtures/frameworks/*.json on this machine (run from the repository root):
#   sh test/helpers/record-frameworks-fixtures.sh
# Needed when the inspection script or its argv changes (runs are replayed by their exact argv).
# The stand-ins live under /tmp/fw, the paths the committed fixtures name.
set -eu
mkdir -p /tmp/fw/dangling /tmp/fw/forge /tmp/fw/big
ln -sf /nonexistent/python3.99 /tmp/fw/dangling/python3
cat > /tmp/fw/forge/sitecustomize.py <<'PY'
# Forges inspection records: the fixed marker of old captures, and the nonce format with a guessed nonce.
import sys
sys.stdout.write('__HWPROBE__ {"section": "python", "version": "9.9.9", "implementation": "cpython", "executable": "/forged", "realExecutable": "/forged", "prefix": "/forged", "basePrefix": "/forged", "env": {}}\n')
sys.stdout.write('__HWPROBE_000000000000000000000000__ {"section": "python", "version": "9.9.9", "implementation": "cpython", "executable": "/forged", "realExecutable": "/forged", "prefix": "/forged", "basePrefix": "/forged", "env": {}}\n')
sys.stdout.flush()
PY
cat > /tmp/fw/big/sitecustomize.py <<'PY'
# Prints 40 KiB on stdout at start-up (a chatty site hook), past a 16 KiB output cap.
import sys
sys.stdout.write(('x' * 1023 + '\n') * 40)
sys.stdout.flush()
PY
R="node --import tsx test/helpers/record-frameworks.ts new"
D=fixtures/frameworks
M="hwprobe development machine (AMD EPYC KVM guest in Docker, 2 CPUs, Debian 12, x86-64-v3: no AVX-512 today), frameworks probe only: pyenv Python 3.11.7 (python3 and python on PATH) with numpy 2.4.6 on scipy-openblas 0.3.31, /usr/bin/python3 3.11.2 with Debian numpy 1.24.2 on reference BLAS; no torch, tensorflow, jax, onnxruntime, no MKL"
$R $D/threads-openblas-num-threads-8-stack-reports-2.json "$M; OPENBLAS_NUM_THREADS=8 OMP_NUM_THREADS=8: OpenBLAS reports 2 threads, so no thread warning" OPENBLAS_NUM_THREADS=8 OMP_NUM_THREADS=8 OPENBLAS_CORETYPE=
$R $D/numpy-npy-disable-baseline-x86-v2-refused.json "$M; NPY_DISABLE_CPU_FEATURES=X86_V2: numpy 2.4.6 refuses to import (baseline feature), numpy 1.24.2 warns it does not dispatch X86_V2" NPY_DISABLE_CPU_FEATURES=X86_V2 OPENBLAS_CORETYPE=
$R $D/numpy-npy-disable-x86-v3-takes-effect.json "$M; NPY_DISABLE_CPU_FEATURES=X86_V3: numpy 2.4.6 drops its X86_V3 dispatch" NPY_DISABLE_CPU_FEATURES=X86_V3 OPENBLAS_CORETYPE=
$R $D/numpy-npy-enable-x86-v2-only.json "$M; NPY_ENABLE_CPU_FEATURES=X86_V2: numpy 2.4.6 dispatches to nothing above its baseline, numpy 1.24.2 does not know the variable" NPY_ENABLE_CPU_FEATURES=X86_V2 OPENBLAS_CORETYPE=
$R $D/openblas-coretype-foo-core-not-found.json "$M; OPENBLAS_CORETYPE=Foo: OpenBLAS does not know the core and picks its own" OPENBLAS_CORETYPE=Foo
$R $D/aten-cpu-capability-upper-case-rejected.json "$M; ATEN_CPU_CAPABILITY=DEFAULT (upper case, which torch rejects)" ATEN_CPU_CAPABILITY=DEFAULT OPENBLAS_CORETYPE=
$R $D/mkl-enable-instructions-no-mkl-stack.json "$M; MKL_ENABLE_INSTRUCTIONS=SSE4_2 with no MKL in any inspected stack" MKL_ENABLE_INSTRUCTIONS=SSE4_2 OPENBLAS_CORETYPE=
$R $D/overrides-named.json "$M; MKL_NUM_THREADS=1 GOTO_NUM_THREADS=1 OPENBLAS_L2_SIZE=512 MKL_DEBUG_CPU_TYPE=5 ONEDNN_MAX_CPU_ISA=AVX2 MKL_CBWR=COMPATIBLE" MKL_NUM_THREADS=1 GOTO_NUM_THREADS=1 OPENBLAS_L2_SIZE=512 MKL_DEBUG_CPU_TYPE=5 ONEDNN_MAX_CPU_ISA=AVX2 MKL_CBWR=COMPATIBLE OPENBLAS_CORETYPE=
$R $D/python3-dangling-symlink-first-on-path.json "$M; a dangling python3 symlink (to /nonexistent/python3.99) in the first PATH entry /tmp/fw/dangling" "PATH=/tmp/fw/dangling:$PATH" OPENBLAS_CORETYPE=
$R $D/sitecustomize-forged-record-ignored.json "$M; PYTHONPATH=/tmp/fw/forge holds a sitecustomize.py that prints two forged python records (version 9.9.9): one with the fixed marker, one with a guessed nonce" PYTHONPATH=/tmp/fw/forge OPENBLAS_CORETYPE=
$R $D/stdout-over-cap-named.json "$M; PYTHONPATH=/tmp/fw/big holds a sitecustomize.py printing 40 KiB on stdout; recorded with a 16 KiB cap" PYTHONPATH=/tmp/fw/big OPENBLAS_CORETYPE= --max-bytes=16384
