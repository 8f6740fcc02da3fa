# A loopback server that answers a DELETE like Cloudflare (an envelope with a service token),
# for tests/benches/cold-delete.sh: python3 loopback_cloudflare.py PORT
import http.server, json, sys
BODY = json.dumps({"success": True, "errors": [], "messages": [], "result": {"id": "f174e90a-fafe-4643-bbbc-4a0ed4fc8415", "name": "ci", "client_id": "abc.access", "created_at": "2014-01-01T05:20:00Z", "updated_at": "2014-01-01T05:20:00Z", "expires_at": "2015-01-01T05:20:00Z", "duration": "8760h"}}).encode()
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_DELETE(self):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("cf-ray", "8f00-SJC")
        self.send_header("content-length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
