"""The daemon's master process: PidFile, MaxDaemonChildren,
ConnectionRateThrottle and the SIGHUP restart, as sendmail 8.17 does
them (op guide: "Restarting", the options of the same names)."""
import os
import re
import signal
import smtplib
import subprocess
import socket

import pytest

from mta_env import MAKEMAP, MtaEnv
from peers import wait_until

if os.geteuid() != 0:
    pytest.skip("the MTA tests need root (the daemon binds and drops privileges)",
                allow_module_level=True)


def greeting(port):
    """The greeting line, "" when the connection fails."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            return s.makefile("rb").readline().decode()
    except OSError:
        return ""


def session(port):
    """A connection that got its greeting, or None."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        if s.makefile("rb").readline().startswith(b"220 "):
            return s
        s.close()
    except OSError:
        pass
    return None


def refused(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.settimeout(2)
            s.recv(1)
            return False
    except (ConnectionRefusedError, ConnectionResetError):
        return True
    except OSError:
        return False


def test_pid_file_holds_pid_and_command_line(sandbox):
    env = MtaEnv(sandbox).start()
    pidfile = os.path.join(sandbox, "sendmail.pid")
    try:
        # written once the listeners are open, so just after start()
        assert wait_until(lambda: os.path.exists(pidfile))
        with open(pidfile) as f:
            pid, cmd = f.read().splitlines()[:2]
        assert int(pid) == env.proc.pid
        assert cmd.endswith(f"-C {env.cf} -bD")
    finally:
        env.stop()


def test_max_daemon_children_closes_the_port_until_a_session_ends(sandbox):
    env = MtaEnv(sandbox, mc_lines=["define(`confMAX_DAEMON_CHILDREN', `1')dnl"]).start()
    try:
        # start()'s probe may still hold the one slot for a moment
        held = wait_until(lambda: session(env.port))
        assert held
        assert wait_until(lambda: refused(env.port))
        assert "rejecting connections on daemon MTA: 1 children, max 1" in env.log()
        held.sendall(b"QUIT\r\n")
        held.close()
        again = wait_until(lambda: session(env.port))
        assert again
        again.close()
        assert "accepting connections again for daemon MTA" in env.log()
    finally:
        env.stop()


def test_connection_rate_throttle_defers_but_serves_everyone(sandbox):
    env = MtaEnv(sandbox, mc_lines=["define(`confCONNECTION_RATE_THROTTLE', `1')dnl"]).start()
    try:
        socks = [socket.create_connection(("127.0.0.1", env.port), timeout=20)
                 for _ in range(3)]
        for s in socks:
            assert s.makefile("rb").readline().startswith(b"220 ")
            s.close()
        assert "deferring connections on daemon MTA: 1 per second" in env.log()
    finally:
        env.stop()


def test_sighup_restarts_with_the_new_config(sandbox):
    env = MtaEnv(sandbox).start()
    try:
        assert "ESMTP Sendmail" in greeting(env.port)
        with open(env.cf) as f:
            cf = f.read()
        with open(env.cf, "w") as f:
            f.write(re.sub(r"(?m)^O SmtpGreetingMessage=.*$",
                           "O SmtpGreetingMessage=$j Restarted", cf))
        os.kill(env.proc.pid, signal.SIGHUP)
        assert wait_until(lambda: "restarting" in env.log() and "Restarted" in greeting(env.port))
        # the same process, exec'd again: the pid file still names it
        assert env.proc.poll() is None
        with open(os.path.join(sandbox, "sendmail.pid")) as f:
            assert int(f.readline()) == env.proc.pid
    finally:
        env.stop()


def test_deferred_mode_queues_without_lookups_and_the_queue_run_delivers(sandbox):
    """DeliveryMode=deferred: RCPT takes no host lookup ("will queue", as
    sendmail 8.17 says), nothing is delivered until the queue run, which
    looks the names up again."""
    env = MtaEnv(sandbox, mc_lines=["define(`confDELIVERY_MODE', `deferred')dnl"]).start()
    try:
        with smtplib.SMTP("127.0.0.1", env.port) as c:
            c.ehlo("client.example")
            c.mail("a@mail.hamap.local")
            code, text = c.rcpt("root@mail.hamap.local")
            assert code == 250 and text.endswith(b"Recipient ok (will queue)")
            c.data("Subject: deferred\r\n\r\nlater\r\n")
        assert len(env.queue_files()) == 1 and env.messages("root") == []
        env.sendmail("-q")
        assert len(env.wait_messages("root", 1)) == 1
        assert env.queue_files() == []
    finally:
        env.stop()


def rcpt_reply(port, sender, rcpt):
    with smtplib.SMTP("127.0.0.1", port) as c:
        c.ehlo("client.example")
        code, text = c.mail(sender)
        if code != 250:
            return code, text.decode()
        code, text = c.rcpt(rcpt)
        return code, text.decode()


def test_rebuilt_maps_and_aliases_apply_without_a_restart(sandbox):
    """As with sendmail, `makemap hash access < access` and `newaliases`
    take effect on the running daemon: a rebuilt .db is opened again."""
    env = MtaEnv(sandbox, maps={"access": "From:friend@mail.hamap.local\tOK\n"},
                 aliases="postmaster: root\n").start()
    try:
        assert rcpt_reply(env.port, "spammer@mail.hamap.local", "root@mail.hamap.local")[0] == 250
        assert rcpt_reply(env.port, "a@mail.hamap.local", "sales@mail.hamap.local")[0] == 550
        text = "From:spammer@mail.hamap.local\tREJECT\n"
        with open(os.path.join(sandbox, "access"), "w") as f:
            f.write(text)
        subprocess.run([MAKEMAP, "hash", os.path.join(sandbox, "access")], input=text,
                       text=True, check=True)
        with open(os.path.join(sandbox, "aliases"), "a") as f:
            f.write("sales: root\n")
        assert env.sendmail("-bi").returncode == 0
        code, text = rcpt_reply(env.port, "spammer@mail.hamap.local", "root@mail.hamap.local")
        assert code == 550 and "Access denied" in text
        assert rcpt_reply(env.port, "a@mail.hamap.local", "sales@mail.hamap.local")[0] == 250
    finally:
        env.stop()


def sent_pids(log):
    """The pids of the processes that logged a local delivery."""
    return [int(m) for m in re.findall(r"\[(\d+)\]: \w+: to=<?root.*stat=Sent", log)]


def test_delivery_processes_are_reused_and_a_killed_one_is_replaced(sandbox):
    """Background delivery goes through the master's long-lived delivery
    processes: one process delivers message after message, and when it is
    killed the master makes another, losing nothing."""
    env = MtaEnv(sandbox).start()
    try:
        def send(i):
            with smtplib.SMTP("127.0.0.1", env.port) as c:
                c.sendmail("a@mail.hamap.local", ["root@mail.hamap.local"],
                           f"Subject: pool {i}\r\n\r\nbody {i}\r\n")
            env.wait_messages("root", i)
            assert wait_until(lambda: env.queue_files() == [] and len(sent_pids(env.log())) == i)

        for i in range(1, 6):
            send(i)
        pids = sent_pids(env.log())
        # one process for all five, but for a report that reaches the
        # master before the process says it is free again
        assert len(set(pids)) <= 2, pids
        worker = pids[-1]
        assert worker != env.proc.pid
        with open(f"/proc/{worker}/stat") as f:
            assert int(f.read().rsplit(")", 1)[1].split()[1]) == env.proc.pid
        os.kill(worker, signal.SIGKILL)
        assert wait_until(lambda: not os.path.exists(f"/proc/{worker}"))
        send(6)
        assert sent_pids(env.log())[-1] != worker
        assert len(env.messages("root")) == 6
    finally:
        env.stop()


POOL_MAX = 16      # DPOOL_MAX in sendmail/delivery_pool.h


def test_a_message_is_not_held_up_behind_stuck_deliveries(sandbox):
    """With every delivery process stuck (here on a program that waits),
    a new message waits only a few seconds for one to be free, then gets
    a process of its own; the stuck ones finish when they can."""
    go = os.path.join(sandbox, "go")
    # the program also gives up once the sandbox is gone, so that a failed
    # run leaves no process behind
    env = MtaEnv(sandbox, aliases=f'postmaster: root\nslow: "|while [ ! -f {go} ] && '
                 f'[ -d {sandbox} ]; do sleep 0.1; done; cat >/dev/null"\n').start()
    try:
        with smtplib.SMTP("127.0.0.1", env.port) as c:
            for i in range(POOL_MAX):
                c.sendmail("a@mail.hamap.local", ["slow@mail.hamap.local"],
                           f"Subject: slow {i}\r\n\r\nbody\r\n")
            c.sendmail("a@mail.hamap.local", ["root@mail.hamap.local"],
                       "Subject: not held up\r\n\r\nbody\r\n")
        assert len(env.wait_messages("root", 1, timeout=60)) == 1
        # the slow ones were still waiting all along (the quick one leaves
        # the queue just after its mailbox file is in place)
        assert wait_until(lambda: len(env.queue_files()) == POOL_MAX)
        assert not os.path.exists(go)
        with open(go, "w"):
            pass
        assert wait_until(lambda: env.queue_files() == [], timeout=60)
        assert env.log().count("stat=Sent") == POOL_MAX + 1
    finally:
        with open(go, "w"):
            pass
        env.stop()
