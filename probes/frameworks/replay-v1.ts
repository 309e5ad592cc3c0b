/**
 * Replay of captures made before record nonces (hwprobe ≤ 0.1.0 captures in fixtures/captures): their
 * interpreter runs are keyed by the exact argv of that time, so replaying them needs that script text
 * and argv layout verbatim. Used only by a ReplayHost whose capture has no recorded nonce; a live run
 * never uses it. The text is PY_INSPECT as of commit 001b8cf.
 */

/** The inspection script of captures without a nonce, byte for byte. */
export const PY_INSPECT_V1 = String.raw`
import sys, os, json, time
# python -c puts the current directory first on sys.path: never import from it.
if sys.path and sys.path[0] in ('', '.'):
    del sys.path[0]
S = '__HWPROBE__ '
def emit(o):
    sys.stdout.write(S + json.dumps(o, sort_keys=True, default=str) + '\n')
    sys.stdout.flush()
def err(e):
    return ('%s: %s' % (type(e).__name__, e))[:300]
def impl():
    try:
        return sys.implementation.name
    except Exception:
        return 'cpython'
exe = sys.executable or ''
emit({'section': 'python', 'version': '%d.%d.%d' % tuple(sys.version_info[:3]), 'implementation': impl(),
      'executable': exe, 'realExecutable': os.path.realpath(exe) if exe else None,
      'prefix': sys.prefix, 'basePrefix': getattr(sys, 'base_prefix', sys.prefix),
      'env': dict((k, os.environ[k]) for k in sys.argv[3:] if k in os.environ)})
if sys.version_info[0] < 3:
    emit({'section': 'end', 'skipped': 'python 2 is not inspected'})
    sys.exit(0)
import importlib, importlib.util, warnings

def loaded_libs(pattern):
    import re
    out = set()
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                p = line.split(None, 5)
                if len(p) == 6 and p[5].startswith('/') and re.search(pattern, os.path.basename(p[5]), re.I):
                    out.add(os.path.realpath(p[5].strip()))
    except Exception:
        return None
    return sorted(out)

def openblas_direct(path):
    # OpenBLAS's own answers; symbol names vary by build (scipy-openblas prefixes and 64-bit suffixes).
    import ctypes
    lib = ctypes.CDLL(path)
    out = {}
    for pre in ('', 'scipy_'):
        for suf in ('', '64_', '_64'):
            for key, name, rt in (('corename', 'openblas_get_corename', ctypes.c_char_p), ('config', 'openblas_get_config', ctypes.c_char_p), ('numThreads', 'openblas_get_num_threads', ctypes.c_int)):
                if key in out:
                    continue
                f = getattr(lib, pre + name + suf, None)
                if f is None:
                    continue
                f.restype = rt
                f.argtypes = []
                v = f()
                out[key] = v.decode('utf-8', 'replace').strip() if isinstance(v, bytes) else v
    return out

def blas(np):
    b = {}
    try:
        deps = np.show_config(mode='dicts').get('Build Dependencies', {})
        for k in ('blas', 'lapack'):
            d = deps.get(k)
            if d:
                b[k] = {'name': d.get('name'), 'version': d.get('version'), 'config': d.get('openblas configuration')}
    except TypeError:
        # numpy < 1.26: distutils-era config dicts
        for k in ('blas', 'lapack'):
            d = getattr(np.__config__, k + '_opt_info', None)
            if d:
                b[k] = {'name': ','.join(d.get('libraries', [])) or None, 'version': None, 'config': None}
    except Exception as e:
        b['configError'] = err(e)
    libs = loaded_libs(r'openblas|blas|lapack|mkl_|blis|flexiblas|armpl|accelerate')
    b['loaded'] = libs
    if importlib.util.find_spec('threadpoolctl') is not None:
        try:
            import threadpoolctl
            keep = ('user_api', 'internal_api', 'version', 'num_threads', 'threading_layer', 'architecture', 'filepath')
            b['threadpoolctl'] = [dict((k, i.get(k)) for k in keep) for i in threadpoolctl.threadpool_info()]
        except Exception as e:
            b['threadpoolctlError'] = err(e)
    ob = {}
    for p in libs or []:
        if 'openblas' in os.path.basename(p).lower():
            try:
                ob[p] = openblas_direct(p)
            except Exception as e:
                ob[p] = {'error': err(e)}
    b['openblas'] = ob
    return b

def numpy_info():
    import numpy as np
    d = {'version': np.__version__}
    mu = None
    for m in ('numpy._core._multiarray_umath', 'numpy.core._multiarray_umath'):
        try:
            mu = importlib.import_module(m)
            break
        except Exception:
            pass
    if mu is not None:
        d['baseline'] = list(getattr(mu, '__cpu_baseline__', None) or [])
        d['dispatch'] = list(getattr(mu, '__cpu_dispatch__', None) or [])
        d['features'] = dict(getattr(mu, '__cpu_features__', None) or {})
    d['blas'] = blas(np)
    return d

def onnxruntime_info():
    import onnxruntime as ort
    return {'version': ort.__version__, 'providers': list(ort.get_available_providers()), 'device': ort.get_device()}

def torch_info():
    import torch
    d = {'version': torch.__version__, 'cuda': torch.version.cuda, 'hip': getattr(torch.version, 'hip', None)}
    try:
        d['cudnn'] = torch.backends.cudnn.version()
    except Exception as e:
        d['cudnn'] = None
    try:
        d['cpuCapability'] = torch.backends.cpu.get_cpu_capability()
    except Exception:
        d['cpuCapability'] = None
    d['numThreads'] = torch.get_num_threads()
    try:
        d['driverCuda'] = torch._C._cuda_getDriverVersion() if d['cuda'] else None
    except Exception as e:
        d['driverCuda'] = None
    d['cudaAvailable'] = bool(torch.cuda.is_available())
    d['deviceCount'] = torch.cuda.device_count() if d['cudaAvailable'] else 0
    devs = []
    for i in range(d['deviceCount']):
        try:
            c = torch.cuda.get_device_capability(i)
            devs.append({'index': i, 'name': torch.cuda.get_device_name(i), 'capability': '%d.%d' % tuple(c)})
        except Exception as e:
            devs.append({'index': i, 'error': err(e)})
    d['devices'] = devs
    try:
        d['archList'] = list(torch.cuda.get_arch_list()) if d['cuda'] or d['hip'] else []
    except Exception:
        d['archList'] = None
    try:
        d['mps'] = {'built': bool(torch.backends.mps.is_built()), 'available': bool(torch.backends.mps.is_available())}
    except Exception:
        d['mps'] = None
    return d

def jax_info():
    # jax would otherwise reserve most of a GPU's memory when its backend starts.
    os.environ.setdefault('XLA_PYTHON_CLIENT_PREALLOCATE', 'false')
    import jax
    d = {'version': jax.__version__}
    try:
        devs = jax.devices()
        d['backend'] = jax.default_backend()
    except Exception as e:
        # the default (GPU) backend failed to start: say why, and list what the CPU backend has
        d['backendError'] = err(e)
        d['backend'] = 'cpu'
        devs = jax.devices('cpu')
    d['devices'] = [{'platform': x.platform, 'kind': getattr(x, 'device_kind', None), 'id': x.id} for x in devs]
    return d

def tensorflow_info():
    import tensorflow as tf
    d = {'version': tf.__version__, 'builtWithCuda': bool(tf.test.is_built_with_cuda()),
         'gpus': [x.name for x in tf.config.list_physical_devices('GPU')]}
    try:
        bi = tf.sysconfig.get_build_info()
        d['buildCuda'] = bi.get('cuda_version')
        d['buildCudnn'] = bi.get('cudnn_version')
    except Exception:
        pass
    return d

QUIET = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, FutureWarning)
INSPECT = {'numpy': numpy_info, 'onnxruntime': onnxruntime_info, 'torch': torch_info, 'jax': jax_info, 'tensorflow': tensorflow_info}
for name in [x for x in sys.argv[2].split(',') if x in INSPECT]:
    try:
        found = importlib.util.find_spec(name) is not None
        emit({'section': 'package', 'name': name, 'status': 'found' if found else 'absent'})
    except Exception as e:
        emit({'section': 'package', 'name': name, 'status': 'error', 'error': err(e)})
for name in [x for x in sys.argv[1].split(',') if x in INSPECT]:
    try:
        spec = importlib.util.find_spec(name)
    except Exception as e:
        emit({'section': 'package', 'name': name, 'status': 'error', 'error': err(e)})
        continue
    if spec is None:
        emit({'section': 'package', 'name': name, 'status': 'absent'})
        continue
    emit({'section': 'begin', 'name': name})
    t0 = time.time()
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        try:
            rec = INSPECT[name]()
            rec['status'] = 'ok'
        except BaseException as e:
            rec = {'status': 'error', 'error': err(e)}
    rec.update({'section': 'package', 'name': name, 'ms': int((time.time() - t0) * 1000),
                'warnings': [str(x.message)[:300] for x in w if not issubclass(x.category, QUIET)][:5]})
    emit(rec)
emit({'section': 'end'})
`;

/** The mask variables those runs echoed (FRAMEWORK_ENV's keys then), in their order. */
export const MASK_NAMES_V1 = [
  'OPENBLAS_CORETYPE',
  'OPENBLAS_NUM_THREADS',
  'MKL_ENABLE_INSTRUCTIONS',
  'MKL_CBWR',
  'NPY_DISABLE_CPU_FEATURES',
  'ATEN_CPU_CAPABILITY',
  'OMP_NUM_THREADS',
  'TF_ENABLE_ONEDNN_OPTS',
  'CUDA_VISIBLE_DEVICES',
] as const;

/** The argv of a run of those captures: packages to import, packages to locate, mask names. */
export function inspectArgsV1(imports: readonly string[], locate: readonly string[]): string[] {
  return ['-c', PY_INSPECT_V1, imports.join(','), locate.join(','), ...MASK_NAMES_V1];
}
