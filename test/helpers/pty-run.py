# Runs a command under a real pseudo-terminal (python3's pty module), as a terminal user would:
# records every byte it writes with the time since start, sends keys after the screen shows a
# marker, and prints one JSON line: {"first_ms": …, "marker_ms": …, "output": "…", "status": …}.
# usage: pty-run.py COLS ROWS MARKER KEYS TIMEOUT_S -- command args…
import json, os, pty, select, signal, struct, sys, time, fcntl, termios

cols, rows, marker, keys, timeout = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5])
cmd = sys.argv[sys.argv.index('--') + 1:]
start = time.monotonic()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
out, first, seen, sent, status, reaped = b'', None, None, False, 0, False
while time.monotonic() - start < timeout:
    r, _, _ = select.select([fd], [], [], 0.05)
    if r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        if first is None:
            first = (time.monotonic() - start) * 1000
        out += chunk
    if seen is None and marker.encode() in out:
        seen = (time.monotonic() - start) * 1000
    if seen is not None and not sent and (time.monotonic() - start) * 1000 > seen + 300:
        os.write(fd, keys.encode())
        sent = True
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status, reaped = st, True
        break
if not reaped:
    # the pty closed (EIO) when the child exited, or the timeout passed: reap it (killing it on timeout)
    if time.monotonic() - start >= timeout:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
print(json.dumps({'first_ms': first, 'marker_ms': seen, 'output': out.decode('utf8', 'replace'), 'status': os.waitstatus_to_exitcode(status)}))
