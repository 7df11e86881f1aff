"""Demo backend: answers every GET with the current time, or ``ERROR`` at a set rate.

The occasional ``ERROR`` body (with status 200) is the workload's flaw on
purpose: the platform in front of it has to make up for it.
"""
import argparse
import random
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class BackendHandler(BaseHTTPRequestHandler):
    error_rate = 0.02

    def do_GET(self):  # noqa: N802 (http.server naming)
        if random.random() < self.error_rate:
            body = b"ERROR"
        else:
            body = time.strftime("%Y-%m-%dT%H:%M:%S%z").encode()
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
    parser.add_argument("--error-rate", type=float, default=0.02)
    args = parser.parse_args(argv)
    BackendHandler.error_rate = args.error_rate
    server = ThreadingHTTPServer(("", args.port), BackendHandler)
    server.daemon_threads = True
    # As PID 1 in a container Python ignores SIGTERM unless a handler is set.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
