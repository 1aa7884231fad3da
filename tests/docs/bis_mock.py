"""bis-mock as the docs tests start it: on a free port, its log drained, stopped by its PID."""
import json
import os
import queue
import re
import subprocess
import threading
import urllib.request


class Mock:
    """bis-mock on a free port. A thread drains its log, so it never blocks on a full pipe."""

    def __init__(self, build, args=()):
        exe = os.path.join(build, "apps", "bis-mock")
        self.proc = subprocess.Popen([exe, "--port", "0", *args], stderr=subprocess.PIPE, text=True)
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in self.proc.stderr], daemon=True).start()
        try:
            first = lines.get(timeout=20)
        except queue.Empty:
            first = "(nothing in 20 s)"
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", first)
        if m is None:
            self.proc.kill()
            raise SystemExit("bis-mock did not say where it listens: " + first)
        self.port = m.group(1)
        self.url = "http://127.0.0.1:" + self.port

    def local(self, command):
        """A README command with its `localhost:8080` meaning this mock."""
        return re.sub(r"(localhost|127\.0\.0\.1):8080", "127.0.0.1:" + self.port, command)

    def admin_json(self, path, token=None):
        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("X-Admin-Token", token)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.load(answer)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
