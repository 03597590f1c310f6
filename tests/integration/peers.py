"""peers: what every test MTA wrapper (mta_env, lab_refsendmail,
lab_postfix) needs alike: reading the Maildir a user's mail lands in,
waiting (bounded) for n messages, and stopping a daemon process."""
import glob
import os
import subprocess
import time


def maildir_messages(folder):
    """Messages in a Maildir (new/ and cur/), oldest first, as text."""
    files = glob.glob(os.path.join(folder, "new", "*")) + \
        glob.glob(os.path.join(folder, "cur", "*"))
    files.sort(key=os.path.getmtime)
    out = []
    for p in files:
        with open(p, "rb") as f:
            out.append(f.read().decode(errors="replace"))
    return out


def wait_until(cond, timeout=10):
    """Call cond() until it returns something true or timeout passes;
    its last value."""
    deadline = time.time() + timeout
    while True:
        v = cond()
        if v or time.time() > deadline:
            return v
        time.sleep(0.05)


def wait_messages(read, n, timeout=20):
    """Call read() until it returns at least n messages or timeout passes."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        m = read()
        if len(m) >= n:
            return m
        time.sleep(0.1)
    return read()


def stop_process(proc):
    """Terminate a daemon started with Popen, killing it if it lingers."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
