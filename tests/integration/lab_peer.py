"""lab_peer: a scripted SMTP server for client tests.

Peer(ip, port, ...) listens in a thread and answers like a plain ESMTP
server, with the extensions it is told to offer (PIPELINING, SIZE n,
8BITMIME, DSN, AUTH with PLAIN/LOGIN/CRAM-MD5 against one user), replies
chosen per recipient (`rcpt_replies`), an optional greeting delay, and it
records every session: the command lines, whether commands arrived
pipelined, and each message's data.  It proves what the Sendwell client
sends on the wire, which a real server would hide.
"""
import base64
import hashlib
import hmac
import socket
import threading
import time


class Session:
    def __init__(self):
        self.commands = []
        self.messages = []      # (mail_from line, [rcpt lines], data bytes)
        self.pipelined = False  # several commands arrived in one read
        self.auth = None        # the authenticated user


class Peer:
    def __init__(self, ip="127.0.0.1", port=0, ext=("PIPELINING", "8BITMIME", "DSN",
                 "ENHANCEDSTATUSCODES"), size=None, auth=None, rcpt_replies=None,
                 greeting_delay=0, name="peer.example"):
        self.ext = list(ext)
        if size is not None:
            self.ext.append(f"SIZE {size}")
        self.auth = auth                    # (user, password, "PLAIN LOGIN CRAM-MD5")
        if auth:
            self.ext.append("AUTH " + auth[2])
        self.rcpt_replies = rcpt_replies or {}
        self.greeting_delay = greeting_delay
        self.name = name
        self.sessions = []
        self.sock = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((ip, port))
        self.sock.listen(16)
        self.ip, self.port = self.sock.getsockname()[:2]
        self.stopping = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def stop(self):
        self.stopping = True
        try:
            self.sock.close()
        except OSError:
            pass

    def wait_sessions(self, n, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline and len(self.sessions) < n:
            time.sleep(0.05)
        return self.sessions

    def messages(self):
        return [m for s in self.sessions for m in s.messages]

    def _serve(self):
        while not self.stopping:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._session, args=(c,), daemon=True).start()

    def _session(self, c):
        s = Session()
        self.sessions.append(s)
        self_data = [False]     # in DATA: lines arriving together are normal
        c.settimeout(30)
        buf = b""

        def send(text):
            c.sendall(text.encode() + b"\r\n")

        def lines():
            nonlocal buf
            while True:
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    if buf.strip() and not self_data[0]:
                        s.pipelined = True
                    yield line.rstrip(b"\r").decode("latin-1")
                data = c.recv(65536)
                if not data:
                    return
                buf += data

        try:
            if self.greeting_delay:
                time.sleep(self.greeting_delay)
            send(f"220 {self.name} ESMTP lab peer")
            it = lines()
            mail, rcpts, data_mode = None, [], False
            for line in it:
                s.commands.append(line)
                verb = line.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    out = [self.name] + self.ext
                    for i, e in enumerate(out):
                        send(("250 " if i == len(out) - 1 else "250-") + e)
                elif verb == "HELO":
                    send(f"250 {self.name}")
                elif verb == "AUTH" and self.auth:
                    s.auth = self._auth(line, it, send)
                elif verb == "MAIL":
                    mail, rcpts = line, []
                    send("250 2.1.0 Ok")
                elif verb == "RCPT":
                    addr = line.split(":", 1)[1].split(">")[0].strip(" <").lower()
                    rep = self.rcpt_replies.get(addr, "250 2.1.5 Ok")
                    if rep.startswith("2"):
                        rcpts.append(line)
                    send(rep)
                elif verb == "DATA":
                    if not rcpts:
                        send("554 5.5.1 No valid recipients")
                        continue
                    send("354 End data with <CR><LF>.<CR><LF>")
                    body = []
                    self_data[0] = True
                    for dl in it:
                        if dl == ".":
                            self_data[0] = False
                            break
                        body.append(dl[1:] if dl.startswith(".") else dl)
                    s.messages.append((mail, rcpts, "\r\n".join(body) + "\r\n"))
                    send(f"250 2.0.0 Ok: queued as M{len(self.messages())}")
                elif verb == "RSET":
                    mail, rcpts = None, []
                    send("250 2.0.0 Ok")
                elif verb == "NOOP":
                    send("250 2.0.0 Ok")
                elif verb == "QUIT":
                    send("221 2.0.0 Bye")
                    break
                else:
                    send("502 5.5.2 Error: command not recognized")
        except (OSError, StopIteration):
            pass
        finally:
            c.close()

    def _auth(self, line, it, send):
        user, pw, _ = self.auth
        parts = line.split()
        mech = parts[1].upper() if len(parts) > 1 else ""
        who = None
        if mech == "PLAIN":
            if len(parts) > 2:
                resp = parts[2]
            else:
                send("334 ")
                resp = next(it)
            f = base64.b64decode(resp).split(b"\0")
            if len(f) == 3 and f[1].decode() == user and f[2].decode() == pw:
                who = user
        elif mech == "LOGIN":
            send("334 " + base64.b64encode(b"Username:").decode())
            u = base64.b64decode(next(it)).decode()
            send("334 " + base64.b64encode(b"Password:").decode())
            p = base64.b64decode(next(it)).decode()
            if u == user and p == pw:
                who = user
        elif mech == "CRAM-MD5":
            chal = f"<{int(time.time())}.lab@{self.name}>".encode()
            send("334 " + base64.b64encode(chal).decode())
            u, digest = base64.b64decode(next(it)).decode().rsplit(" ", 1)
            want = hmac.new(pw.encode(), chal, hashlib.md5).hexdigest()
            if u == user and digest == want:
                who = user
        if who:
            send("235 2.7.0 Authentication successful")
        else:
            send("535 5.7.8 Authentication credentials invalid")
        return who
