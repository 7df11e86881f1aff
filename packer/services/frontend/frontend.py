"""Demo frontend: one request at a time, ~100 ms each, relaying the backend's answer.

It exits at once, without answering, when the backend is unreachable or
answers ``ERROR``: restarting it and retrying elsewhere is the platform's job.

``GET /healthz`` is its health check: answered at once, beside a request in
progress, without calling the backend. It says the process serves; whether a
request succeeds is the retry policy's and the load balancer's business.
"""
import argparse
import os
import signal
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
HEALTH_PATH = "/healthz"


class FrontendHandler(BaseHTTPRequestHandler):
    backend_url = ""

    def do_GET(self):  # noqa: N802 (http.server naming)
        if self.path == HEALTH_PATH:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"OK")
            return
        with LOCK:
            time.sleep(0.1)
            try:
                with urllib.request.urlopen(self.backend_url, timeout=5) as reply:
                    body = reply.read()
            except Exception:  # unreachable, refused, truncated: all fatal by design
                os._exit(1)
            if body == b"ERROR":
                os._exit(1)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--backend", required=True, help="URL fetched for every request")
    args = parser.parse_args(argv)
    FrontendHandler.backend_url = args.backend
    server = ThreadingHTTPServer(("", args.port), FrontendHandler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
