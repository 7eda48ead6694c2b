#!/usr/bin/env python3
"""A loopback HTTP server that records every request's headers, in arrival
order, as one JSON line each in a file, and answers 200. Prints its port."""
import http.server
import json
import sys
import threading


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    record_path = None

    def _record_and_answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        entry = {"method": self.command, "path": self.path, "headers": list(self.headers.items())}
        with Recorder.lock, open(Recorder.record_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(entry) + "\n")
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_HEAD = _record_and_answer

    def log_message(self, *args):
        pass


def main():
    Recorder.record_path = sys.argv[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
