/**
 * The Python programs the frameworks probe runs, as `python -c SCRIPT` (no file to ship, nothing
 * read from the current directory). Both are Python 2/3-compatible at the syntax level so that a
 * Python 2 on PATH answers with its version instead of a SyntaxError.
 *
 * Output protocol: every record is one line `__HWPROBE_<nonce>__ {json}` on stdout, flushed as it
 * is written. The nonce is new for each probe run (argv[1]), so a record printed by the inspected
 * environment itself (a sitecustomize.py, a .pth file) cannot pass for one of ours. Anything else on stdout (a library's banner, warnings) is ignored, and a process that
 * hangs or crashes half-way still leaves the records it wrote, so the probe can say which import
 * hung. A `begin` record is written before each import for that reason.
 */

/** The prefix of every record line of a run with `nonce`; without one, the fixed prefix of captures made before nonces. */
export function sentinel(nonce?: string): string {
  return nonce ? `__HWPROBE_${nonce}__ ` : '__HWPROBE__ ';
}

/** A nonce: hex only, so it needs no quoting anywhere. */
export const NONCE_RE = /^[0-9a-f]{8,64}$/;

/** Packages inspected, in the order the script imports them (cheap and common first, heavy last). */
export const PY_PACKAGES = ['numpy', 'onnxruntime', 'torch', 'jax', 'tensorflow'] as const;

/** A package the script inspects. */
export type PyPackage = (typeof PY_PACKAGES)[number];

/**
 * Inspects one interpreter: version and prefix and the mask variables as the interpreter sees them;
 * then locates (find_spec, no import) the packages of argv[3] and imports and inspects those of argv[2].
 * argv: the record nonce, packages to import (comma-separated), packages to locate, then the mask
 * variable names to echo. The probe runs it once per interpreter with nothing to import (identity and
 * which packages are installed), then once per package found, each in a process of its own: a hang
 * costs one package, and torch and tensorflow never share a process.
 */
export const PY_INSPECT = String.raw`
import sys, os, json, time
# python -c puts the current directory first on sys.path: never import from it.
if sys.path and sys.path[0] in ('', '.'):
    del sys.path[0]
S = '__HWPROBE_%s__ ' % sys.argv[1]
def emit(o):
    sys.stdout.write(S + json.dumps(o, sort_keys=True, default=str) + '\n')
    sys.stdout.flush()
def err(e):
    m = '%s: %s' % (type(e).__name__, e)
    # numpy wraps the cause of a failed C-extension import in a long advice text that ends with it
    if len(m) > 300:
        m = m[:140] + ' ... ' + m[-155:]
    return m
def impl():
    try:
        return sys.implementation.name
    except Exception:
        return 'cpython'
exe = sys.executable or ''
emit({'section': 'python', 'version': '%d.%d.%d' % tuple(sys.version_info[:3]), 'implementation': impl(),
      'executable': exe, 'realExecutable': os.path.realpath(exe) if exe else None,
      'prefix': sys.prefix, 'basePrefix': getattr(sys, 'base_prefix', sys.prefix),
      'env': dict((k, os.environ[k]) for k in sys.argv[4:] if k in os.environ)})
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
        d['mkl'] = bool(torch.backends.mkl.is_available())
    except Exception:
        d['mkl'] = None
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
def said(x):
    # numpy refuses NPY_DISABLE/ENABLE_CPU_FEATURES entries with an ImportWarning ("During parsing
    # environment variable: ..."): that is its answer to the mask, so it is kept.
    return not issubclass(x.category, QUIET) or 'environment variable' in str(x.message)
INSPECT = {'numpy': numpy_info, 'onnxruntime': onnxruntime_info, 'torch': torch_info, 'jax': jax_info, 'tensorflow': tensorflow_info}
for name in [x for x in sys.argv[3].split(',') if x in INSPECT]:
    try:
        found = importlib.util.find_spec(name) is not None
        emit({'section': 'package', 'name': name, 'status': 'found' if found else 'absent'})
    except Exception as e:
        emit({'section': 'package', 'name': name, 'status': 'error', 'error': err(e)})
for name in [x for x in sys.argv[2].split(',') if x in INSPECT]:
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
                'warnings': [str(x.message)[:300] for x in w if said(x)][:5]})
    emit(rec)
emit({'section': 'end'})
`;

/**
 * numpy float64 matmul, timed inside the interpreter; checks a few entries against math.fsum.
 * argv: record nonce, n, warmupMs, budgetMs, minSamples, maxSamples, sampleMs, mode, minRounds, roundSamples.
 * mode 'plain': samples (GFLOP/s) with the environment as it is. mode 'threads': the stack's default
 * thread count against 1 thread in interleaved rounds, the count set in-process (threadpoolctl, else the
 * loaded OpenBLAS's or MKL's own setter, which is what threadpoolctl calls), until the paired ratio's
 * interval is on one side of 1 or the budget is spent. Prints one record.
 */
export const PY_MATMUL = String.raw`
import sys, os, json, time, math
if sys.path and sys.path[0] in ('', '.'):
    del sys.path[0]
S = '__HWPROBE_%s__ ' % sys.argv[1]
import numpy as np
n, warm, budget, mins, maxs, sample = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])
mode = sys.argv[8] if len(sys.argv) > 8 else 'plain'
min_rounds = int(sys.argv[9]) if len(sys.argv) > 9 else 0
round_samples = int(sys.argv[10]) if len(sys.argv) > 10 else 0
rs = np.random.RandomState(1)
a = rs.standard_normal((n, n))
b = rs.standard_normal((n, n))
clock = time.perf_counter
flops1 = 2.0 * n * n * n
out = {'section': 'matmul', 'n': n}

def calibrate_reps(ms):
    # grows the products per sample until one sample takes 'sample' ms, for at least 'ms' ms
    reps = 1
    end = clock() + ms / 1000.0
    while True:
        t0 = clock()
        for _ in range(reps):
            np.dot(a, b)
        dt = clock() - t0
        if dt * 1000.0 < sample:
            reps = min(reps * max(2, int(math.ceil(sample / max(dt * 1000.0, 0.01)))), 1 << 20)
        elif clock() >= end:
            return reps
        if clock() >= end + budget / 1000.0:
            return reps

def one(reps):
    t0 = clock()
    for _ in range(reps):
        c = np.dot(a, b)
    return flops1 * reps / (clock() - t0) / 1e9, c

def limiter():
    # What can set the BLAS thread count inside this process, and the count the stack runs by default:
    # threadpoolctl when installed, else the loaded OpenBLAS or MKL's own setter (what threadpoolctl calls).
    try:
        import threadpoolctl
        info = [i for i in threadpoolctl.threadpool_info() if i.get('user_api') == 'blas']
        if info:
            default = max(int(i.get('num_threads') or 1) for i in info)
            lib = info[0].get('internal_api')
            def set1(on):
                if on:
                    set1.ctx = threadpoolctl.threadpool_limits(limits=1, user_api='blas')
                else:
                    set1.ctx.restore_original_limits()
            return 'threadpoolctl', lib, default, set1
    except Exception:
        pass
    import ctypes, re
    libs = []
    try:
        with open('/proc/self/maps') as f:
            for line in f:
                p = line.split(None, 5)
                if len(p) == 6 and p[5].startswith('/'):
                    libs.append(p[5].strip())
    except Exception:
        return None
    for path in sorted(set(libs)):
        base = os.path.basename(path).lower()
        kind = 'openblas' if 'openblas' in base else 'mkl' if re.match(r'libmkl_rt', base) else None
        if not kind:
            continue
        lib = ctypes.CDLL(path)
        names = ([pre + 'openblas_%s_num_threads' + suf for pre in ('', 'scipy_') for suf in ('', '64_', '_64')] if kind == 'openblas'
                 else ['MKL_%s_Num_Threads'])
        for pat in names:
            getter = getattr(lib, (pat % 'get') if kind == 'openblas' else 'MKL_Get_Max_Threads', None)
            setter = getattr(lib, pat % 'set', None)
            if getter is None or setter is None:
                continue
            getter.restype = ctypes.c_int
            default = int(getter())
            def set1(on, setter=setter, default=default):
                setter(ctypes.c_int(1 if on else default))
            return kind + ' (ctypes)', kind, default, set1
    return None

def conclusive(rounds):
    ratios = sorted(max(r['single']) / max(r['default']) for r in rounds if r['single'] and r['default'])
    n = len(ratios)
    k, cdf, term = 0, 0.0, 0.5 ** n
    for j in range(n):
        cdf += term
        if cdf > 0.05:
            break
        k = j + 1
        term = term * (n - j) / (j + 1)
    return k > 0 and (ratios[k - 1] >= 1 or ratios[n - k] < 1)

if mode == 'threads':
    lim = limiter()
    if lim is None:
        out['limiter'] = None
    else:
        how, lib, default, set1 = lim
        out.update({'limiter': how, 'library': lib, 'defaultThreads': default})
        if default > 1:
            reps_d = calibrate_reps(warm)
            set1(True)
            try:
                reps_1 = calibrate_reps(warm / 2)
            finally:
                set1(False)
            rounds = []
            start = clock()
            # Interleaved rounds, the order alternating (d 1, 1 d, ...): a burst of load lands on both sides
            # of a round or on one round only, never on all of one side.
            while len(rounds) < maxs:
                r = {'default': [], 'single': []}
                for side in (('default', 'single') if len(rounds) % 2 == 0 else ('single', 'default')):
                    if side == 'single':
                        set1(True)
                    try:
                        for _ in range(round_samples):
                            x, c = one(reps_1 if side == 'single' else reps_d)
                            r[side].append(x)
                    finally:
                        if side == 'single':
                            set1(False)
                rounds.append(r)
                # Stop once the paired ratio's median interval is wholly on one side of 1 (the harness's
                # medianInterval at 90%), else go on until the budget or maxs rounds.
                if len(rounds) >= min_rounds and (conclusive(rounds) or (clock() - start) * 1000.0 >= budget):
                    break
            out['rounds'] = rounds
else:
    reps = calibrate_reps(warm)
    samples = []
    start = clock()
    while len(samples) < maxs:
        x, c = one(reps)
        samples.append(x)
        if len(samples) >= mins and (clock() - start) * 1000.0 >= budget:
            break
    out['reps'] = reps
    out['samples'] = samples
c = np.dot(a, b)
check = None
for i, j in ((0, 0), (n - 1, n - 1), (n // 3, (2 * n) // 3), (n // 2, 1)):
    ref = math.fsum(float(a[i, k]) * float(b[k, j]) for k in range(n))
    if not abs(float(c[i, j]) - ref) <= 1e-9 * max(1.0, math.fsum(abs(float(a[i, k]) * float(b[k, j])) for k in range(n))):
        check = 'c[%d,%d] = %r, expected %r' % (i, j, float(c[i, j]), ref)
        break
out['check'] = check
sys.stdout.write(S + json.dumps(out) + '\n')
`;
