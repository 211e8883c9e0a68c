#!/usr/bin/env python3
"""A tiny stand-in HTTP(S) server for tests: GET /PATH answers the file
ROOT/PATH (slashes in PATH become '_'; a query string is ignored) as JSON,
anything else 404. With --cert and --key it speaks TLS.

Prints "listening on 127.0.0.1:PORT" once it accepts connections; exits 0
on SIGTERM. Python's standard library only: CI has python3 and nothing else.
"""
import argparse
import http.server
import os
import signal
import ssl
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    options = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            name = self.path.split("?", 1)[0].strip("/").replace("/", "_") or "index"
            path = os.path.join(options.root, name)
            if not os.path.isfile(path):
                self.send_error(404)
                return
            with open(path, "rb") as handle:
                body = handle.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *arguments):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    if options.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.cert, options.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("listening on 127.0.0.1:%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
