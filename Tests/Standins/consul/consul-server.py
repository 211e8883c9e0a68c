#!/usr/bin/env python3
"""consul-server.py - a test stand-in for the HTTP API of a HashiCorp Consul agent.

Consul itself cannot be installed on the test machines, so OpsShell's tests talk
to this server instead.  It follows Consul's own Go sources (read from
github.com/hashicorp/consul); every format below was taken from them, not guessed:

  agent/http_register.go  (commit 03384f86)  endpoints and their allowed methods
                          ("/v1/kv/" GET PUT DELETE, "/v1/agent/members" GET,
                           "/v1/status/leader" GET, "/v1/status/peers" GET)
  agent/http.go           (HTTPHandlers.wrap, stored id 313076254) error bodies:
                          ACL errors -> 403 + err.Error(); MethodNotAllowedError ->
                          405 "method X not allowed" + "Allow: OPTIONS,GET,..";
                          Index(): 404 "Invalid URL path: not a recognized HTTP API
                          endpoint\\n"; setIndex (0 -> 1), setKnownLeader,
                          setLastContact, setQueryBackend, setACLDefaultPolicy,
                          parseWait ("Invalid wait time", "Invalid index"),
                          parseConsistency, parseTokenInternal (?token=,
                          X-Consul-Token, "Authorization: Bearer"), log redaction
  agent/kvs_endpoint.go   (commit 007432f7) KVSGet/KVSGetKeys/KVSPut/KVSDelete,
                          ?raw headers, "Missing key name", conflictingFlags,
                          "Request body(..) too large", validateKVKey (--strict-keys)
  agent/consul/kvs_endpoint.go (newest stored, id 357524240) ACL checks
                          (KeyReadAllowed / KeyWriteAllowed / KeyWritePrefixAllowed,
                          list filtering), index choice for Get/List/ListKeys,
                          separator roll-up
  agent/consul/state/kvs.go (commit 00827ca5) CreateIndex/ModifyIndex rules, no-op
                          writes, CAS rules, delete-CAS, tombstones, list index
  agent/structs/structs.go DirEntry JSON field order: LockIndex, Key, Flags, Value,
                          Session (omitempty), CreateIndex, ModifyIndex
  acl/errors.go           (commit 0de80e92) "ACL not found", "Permission denied: ..."
  acl/... ResourceDescriptor.ToString (OSS) -> "\\"name\\""
  agent/agent_endpoint.go AgentMembers -> []serf.Member (Name, Addr, Port, Tags,
                          Status, ProtocolMin/Max/Cur, DelegateMin/Max/Cur)
  agent/consul/server_serf.go / client_serf.go  member tag names
  NYTimes/gziphandler (wraps every API endpoint): "Vary: Accept-Encoding", gzip
  docs: developer.hashicorp.com/consul/api-docs/kv, /api-docs/agent#list-members

Not Consul: --log FILE (one line per request for the tests; token values are
replaced by REDACTED) and the "listening on 127.0.0.1:PORT" start-up line.
Python 3 standard library only.
"""

import argparse
import base64
import email.utils
import gzip
import json
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANONYMOUS_TOKEN_ID = "00000000-0000-0000-0000-000000000002"   # acl.AnonymousTokenID
KV_MAX_VALUE_SIZE = 512 * 1024                                  # kv_max_value_size default
BLOCK_CAP_SECONDS = 10.0                                        # stand-in cap (Consul: 10 min)
DEFAULT_BLOCK_SECONDS = 300.0                                   # Consul default_query_time 5 min
UINT64_MAX = (1 << 64) - 1

STATUS_TEXT = {
    200: "OK", 301: "Moved Permanently", 400: "Bad Request", 403: "Forbidden",
    404: "Not Found", 405: "Method Not Allowed", 413: "Request Entity Too Large",
    500: "Internal Server Error",
}


# --------------------------------------------------------------------------
# Go-compatible helpers
# --------------------------------------------------------------------------

def go_json(obj, pretty=False):
    """encoding/json Marshal (or MarshalIndent(obj, "", "    ") + "\\n" for ?pretty)."""
    if pretty:
        text = json.dumps(obj, ensure_ascii=False, indent=4, separators=(",", ": ")) + "\n"
    else:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    # Go escapes <, >, & and U+2028/2029 inside strings (they only occur in strings).
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return text.encode("utf-8")


def go_quote(s):
    """strconv.Quote closely enough for error messages."""
    return json.dumps(s, ensure_ascii=False)


def parse_uint64(text):
    """strconv.ParseUint(text, 10, 64); raises ValueError with Go's message."""
    if not re.fullmatch(r"[0-9]+", text or ""):
        raise ValueError("strconv.ParseUint: parsing %s: invalid syntax" % go_quote(text))
    value = int(text)
    if value > UINT64_MAX:
        raise ValueError("strconv.ParseUint: parsing %s: value out of range" % go_quote(text))
    return value


_DUR_UNITS = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6,
              "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DUR_PART = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")


def go_parse_duration(text):
    """time.ParseDuration; returns seconds or raises ValueError."""
    s = text
    neg = False
    if s[:1] in ("+", "-"):
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0.0
    if s == "":
        raise ValueError(text)
    total = 0.0
    pos = 0
    while pos < len(s):
        m = _DUR_PART.match(s, pos)
        if not m:
            raise ValueError(text)
        total += float(m.group(1)) * _DUR_UNITS[m.group(2)]
        pos = m.end()
    return -total if neg else total


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def go_parse_query(raw):
    """url.ParseQuery: returns ordered dict name -> [values] or None on error."""
    values = {}
    if raw == "":
        return values
    if ";" in raw or _BAD_ESCAPE.search(raw):
        return None
    for part in raw.split("&"):
        if part == "":
            continue
        key, _, val = part.partition("=")
        key = urllib.parse.unquote_plus(key, errors="replace")
        val = urllib.parse.unquote_plus(val, errors="replace")
        values.setdefault(key, []).append(val)
    return values


def go_query_encode(values):
    """url.Values.Encode (sorted by key)."""
    parts = []
    for key in sorted(values):
        for val in values[key]:
            parts.append(urllib.parse.quote_plus(key, safe="") + "=" +
                         urllib.parse.quote_plus(val, safe=""))
    return "&".join(parts)


def go_clean_path(p):
    """net/http cleanPath: path.Clean, keeping a trailing slash."""
    if p == "":
        return "/"
    if p[0] != "/":
        p = "/" + p
    out = []
    for seg in p.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    np = "/" + "/".join(out)
    if p.endswith("/") and np != "/":
        np += "/"
    return np


def accepts_gzip(header):
    """gziphandler.acceptsGzip: gzip listed with q > 0."""
    if not header:
        return False
    for item in header.split(","):
        parts = [x.strip() for x in item.split(";")]
        if parts[0].lower() not in ("gzip",):
            continue
        q = 1.0
        for p in parts[1:]:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        return q > 0
    return False


def validate_kv_key(key):
    """agent/kvs_endpoint.go validateKVKey (newest main only; --strict-keys)."""
    if key == "":
        return "key cannot be empty"
    if key.startswith("/"):
        return "key must not begin with a '/'"
    for i, ch in enumerate(key):
        if not (ch.isascii() and (ch.isalnum() or ch in ",-_./")):
            return ("key contains invalid character '%s' at position %d. "
                    "Only alphanumeric characters and ,-_./ are allowed" % (ch, i))
    if "../" in key or "..\\" in key:
        return "key contains path traversal sequence"
    for pat in ("%2e%2e%2f", "%2e%2e/", "..%2f", "%2e%2e%5c"):
        if pat in key:
            return "key contains encoded path traversal sequence"
    lower = key.lower()
    for ext in (".js", ".css", ".html", ".htm", ".xml", ".json", ".txt", ".log",
                ".php", ".asp", ".jsp", ".cgi", ".pl", ".py", ".rb", ".sh",
                ".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".vbs",
                ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
                ".zip", ".rar", ".tar", ".gz", ".7z", ".bz2",
                ".jpg", ".jpeg", ".png", ".gif", ".svg", ".ico", ".bmp",
                ".mp3", ".mp4", ".avi", ".mov", ".wmv", ".flv", ".swf",
                ".woff", ".woff2", ".ttf", ".eot", ".otf"):
        if lower.endswith(ext):
            return ("key contains suspicious file extension '%s' that may be cached by proxies" % ext)
    return None


# --------------------------------------------------------------------------
# Errors carried to the HTTP layer (as agent/http.go handleErr renders them)
# --------------------------------------------------------------------------

class HTTPErr(Exception):
    def __init__(self, status, body):
        super().__init__(body)
        self.status = status
        self.body = body


def acl_not_found():
    return HTTPErr(403, "ACL not found")


def permission_denied(level, name):
    """acl.PermissionDeniedByACL(..., ResourceKey, level, name) for the anonymous token."""
    msg = "Permission denied: anonymous token lacks permission 'key:%s'" % level
    if name != "":
        msg += ' on "%s"' % name
    msg += ". The anonymous token is used implicitly when a request does not specify a token."
    return HTTPErr(403, msg)


# --------------------------------------------------------------------------
# The KV store (agent/consul/state/kvs.go semantics)
# --------------------------------------------------------------------------

class Entry:
    __slots__ = ("key", "value", "flags", "create_index", "modify_index", "lock_index", "session")

    def __init__(self, key, value, flags, create_index, modify_index, lock_index=0, session=""):
        self.key = key
        self.value = value            # bytes or None (nil []byte -> JSON null)
        self.flags = flags
        self.create_index = create_index
        self.modify_index = modify_index
        self.lock_index = lock_index
        self.session = session

    def to_json(self):
        # structs.DirEntry field order; Session is `json:",omitempty"`.
        d = {
            "LockIndex": self.lock_index,
            "Key": self.key,
            "Flags": self.flags,
            "Value": None if self.value is None else base64.b64encode(self.value).decode("ascii"),
        }
        if self.session:
            d["Session"] = self.session
        d["CreateIndex"] = self.create_index
        d["ModifyIndex"] = self.modify_index
        return d


class Store:
    def __init__(self, start_index=10):
        self.cond = threading.Condition()
        self.entries = {}
        self.tombstones = {}
        self.raft_index = start_index      # last applied raft index
        self.table_index = 0               # max index of the "kvs"/"tombstones" tables

    # -- reads (call with self.cond held) --------------------------------
    def _get(self, key):
        ent = self.entries.get(key)
        if ent is None:
            return self.table_index, None
        return ent.modify_index, ent

    def _list(self, prefix):
        ents = [self.entries[k] for k in sorted(self.entries, key=lambda s: s.encode("utf-8"))
                if k.startswith(prefix)]
        lindex = max([e.modify_index for e in ents], default=0)
        if prefix != "":
            gindex = max([i for k, i in self.tombstones.items() if k.startswith(prefix)], default=0)
            lindex = max(lindex, gindex)
        else:
            lindex = self.table_index
        idx = lindex if lindex != 0 else self.table_index
        return idx, ents

    def blocking(self, min_index, max_wait, fn):
        """agent/consul blockingQuery: re-run fn until its index > min_index or timeout."""
        deadline = time.monotonic() + max_wait
        with self.cond:
            while True:
                idx, res = fn()
                if min_index == 0 or idx > min_index:
                    return idx, res
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return idx, res
                self.cond.wait(remaining)

    # -- writes (KVS.Apply -> raftApply -> FSM) --------------------------
    def apply(self, op, key, value=None, flags=0, cas=0, session=""):
        with self.cond:
            self.raft_index += 1
            idx = self.raft_index
            result = True
            if op == "set":
                self._set(idx, key, value, flags)
            elif op == "cas":
                existing = self.entries.get(key)
                if cas == 0 and existing is not None:
                    result = False
                elif cas != 0 and existing is None:
                    result = False
                elif existing is not None and cas != 0 and cas != existing.modify_index:
                    result = False
                else:
                    self._set(idx, key, value, flags)
            elif op == "delete":
                self._delete(idx, key)
            elif op == "delete-cas":
                existing = self.entries.get(key)
                if existing is None:
                    result = True
                elif existing.modify_index != cas:
                    result = False
                else:
                    self._delete(idx, key)
            elif op == "delete-tree":
                victims = [k for k in self.entries if k.startswith(key)]
                if victims:
                    for k in victims:
                        del self.entries[k]
                    self.tombstones[key] = idx
                    self.table_index = idx
            elif op == "lock":
                if session == "":
                    raise HTTPErr(500, "missing session")
                raise HTTPErr(500, "invalid session %s" % go_quote(session))
            elif op == "unlock":
                if session == "":
                    raise HTTPErr(500, "missing session")
                existing = self.entries.get(key)
                result = False if (existing is None or existing.session != session) else True
            self.cond.notify_all()
            return result

    def _set(self, idx, key, value, flags):
        existing = self.entries.get(key)
        if existing is not None:
            same = (existing.lock_index == 0 and existing.flags == flags and
                    (existing.value or b"") == (value or b"") and existing.session == "")
            if same:
                return   # kvsSetTxn: unchanged entry, no write, indexes untouched
            create = existing.create_index
            session = existing.session
        else:
            create = idx
            session = ""
        self.entries[key] = Entry(key, value, flags, create, idx, 0, session)
        self.table_index = idx

    def _delete(self, idx, key):
        if key in self.entries:
            del self.entries[key]
            self.tombstones[key] = idx
            self.table_index = idx


# --------------------------------------------------------------------------
# Members (serf.Member as returned by /v1/agent/members)
# --------------------------------------------------------------------------

def default_members(dc, version, revision, acls):
    build = "%s:%s" % (version, revision)
    server_tags = {
        "acls": acls, "build": build, "dc": dc, "expect": "1", "ft_fs": "1", "ft_si": "1",
        "id": "5a2d6a0e-0c1b-4c7e-9d3f-000000000001", "port": "8300", "raft_vsn": "3",
        "role": "consul", "segment": "", "vsn": "2", "vsn_max": "3", "vsn_min": "2",
        "wan_join_port": "8302",
    }
    members = [("consul-01", "127.0.0.1", "consul", server_tags)]
    for n in (1, 2, 3):
        tags = {
            "acls": acls, "build": build, "dc": dc,
            "id": "5a2d6a0e-0c1b-4c7e-9d3f-00000000010%d" % n, "role": "node", "segment": "",
            "vsn": "2", "vsn_max": "3", "vsn_min": "2",
        }
        members.append(("patroni-0%d-db-dr.c.gitlab-dr.internal" % n, "127.0.0.%d" % (n + 1), "node", tags))
    out = []
    for name, addr, _role, tags in members:
        out.append({
            "Name": name, "Addr": addr, "Port": 8301, "Tags": dict(sorted(tags.items())),
            "Status": 1, "ProtocolMin": 1, "ProtocolMax": 5, "ProtocolCur": 2,
            "DelegateMin": 2, "DelegateMax": 5, "DelegateCur": 4,
        })
    return out


def wan_members(members, dc):
    out = []
    for m in members:
        if m.get("Tags", {}).get("role") == "consul":
            w = dict(m)
            w["Name"] = "%s.%s" % (m["Name"], dc)
            w["Port"] = 8302
            out.append(w)
    return out


# --------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------

class Config:
    token = None
    log_path = None
    log_lock = threading.Lock()
    store = None
    members = []
    dc = "dc1"
    leader = "127.0.0.1:8300"
    strict_keys = False


class Response:
    def __init__(self, status=200, body=b"", headers=None, wrapped=True):
        self.status = status
        self.body = body
        self.headers = headers if headers is not None else {}
        self.wrapped = wrapped     # passed through HTTPHandlers.wrap + gziphandler


def meta_headers(index):
    # setMeta: setLastContact, setIndex (0 -> 1), setKnownLeader, setQueryBackend
    return {
        "X-Consul-Lastcontact": "0",
        "X-Consul-Index": str(index if index else 1),
        "X-Consul-Knownleader": "true",
        "X-Consul-Query-Backend": "blocking-query",
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Consul-standin"

    def log_message(self, fmt, *args):   # silence http.server's stderr log
        pass

    # every method goes through the same dispatcher (Go's mux does no method routing)
    def do_GET(self):
        self._serve()

    do_PUT = do_DELETE = do_POST = do_HEAD = do_OPTIONS = do_PATCH = do_GET

    # -- body -------------------------------------------------------------
    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks), -1
        length = self.headers.get("Content-Length")
        if length is None:
            return b"", 0
        n = int(length)
        return (self.rfile.read(n) if n > 0 else b""), n

    # -- token ------------------------------------------------------------
    def _header_token(self):
        tok = self.headers.get("X-Consul-Token") or ""
        if tok:
            return tok
        auth = self.headers.get("Authorization") or ""
        parts = auth.split(" ")
        if len(parts) > 1 and parts[0].lower() == "bearer":
            value = " ".join(parts[1:]).strip()
            return value.split(" ")[0].strip()
        return ""

    def _serve(self):
        method = self.command
        raw_target = self.path
        raw_path, _, raw_query = raw_target.partition("?")
        body, content_length = self._read_body()
        header_token = self._header_token()
        try:
            resp = self._route(method, raw_path, raw_query, body, content_length, header_token)
        except HTTPErr as e:
            resp = Response(e.status, e.body.encode("utf-8"))
        self._write(method, resp)
        self._log(method, raw_target, bool(header_token), resp.status)

    def _log(self, method, raw_target, had_header_token, status):
        if not Config.log_path:
            return
        target = raw_target
        path, sep, query = target.partition("?")
        if sep:
            parts = []
            for part in query.split("&"):
                k, eq, _v = part.partition("=")
                if urllib.parse.unquote_plus(k) == "token":
                    parts.append(k + "=REDACTED")
                else:
                    parts.append(part)
            target = path + "?" + "&".join(parts)
        secrets = set()
        if Config.token:
            secrets.add(Config.token)
        hdr = self._header_token()
        if hdr:
            secrets.add(hdr)
        q = go_parse_query(query) or {}
        for v in q.get("token", []):
            if v:
                secrets.add(v)
        for s in sorted(secrets, key=len, reverse=True):
            for form in {s, urllib.parse.quote(s, safe=""), urllib.parse.quote_plus(s, safe="")}:
                if form:
                    target = target.replace(form, "REDACTED")
        line = "%s %s token_header=%s status=%d\n" % (
            method, target, "yes" if had_header_token else "no", status)
        with Config.log_lock:
            with open(Config.log_path, "a", encoding="utf-8") as f:
                f.write(line)

    # -- response writer (net/http + gziphandler behaviour) ----------------
    def _write(self, method, resp):
        headers = dict(resp.headers)
        body = resp.body
        if resp.wrapped:
            headers.setdefault("Vary", "Accept-Encoding")
        sniffed_ct = None
        if body and "Content-Type" not in headers:
            sniffed_ct = "text/plain; charset=utf-8"
        if resp.wrapped and body and accepts_gzip(self.headers.get("Accept-Encoding")):
            headers.pop("Content-Length", None)
            if sniffed_ct:
                headers["Content-Type"] = sniffed_ct
                sniffed_ct = None
            headers["Content-Encoding"] = "gzip"
            body = gzip.compress(body, mtime=0)
        lines = ["HTTP/1.1 %d %s" % (resp.status, STATUS_TEXT.get(resp.status, ""))]
        for k in sorted(headers):
            lines.append("%s: %s" % (k, headers[k]))
        lines.append("Date: %s" % email.utils.formatdate(usegmt=True))
        if "Content-Length" not in headers:
            lines.append("Content-Length: %d" % len(body))
        if sniffed_ct:
            lines.append("Content-Type: %s" % sniffed_ct)
        if self.close_connection:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if method != "HEAD":
            data += body
        try:
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # -- routing (agent/http.go handler + net/http ServeMux) ----------------
    def _route(self, method, raw_path, raw_query, body, content_length, header_token):
        if _BAD_ESCAPE.search(raw_path):
            self.close_connection = True
            return Response(400, b"400 Bad Request", {"Content-Type": "text/plain; charset=utf-8"},
                            wrapped=False)
        path = urllib.parse.unquote(raw_path, errors="replace")
        if not path.startswith("/") and "://" in path:      # absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        # cleanhttp.PrintablePathCheckHandler
        if not all(ch.isprintable() for ch in path):
            return Response(400, b"", wrapped=False)
        clean = go_clean_path(path)
        if clean != path:
            return self._redirect(method, clean, raw_query)
        if path == "/v1/kv":
            return self._redirect(method, "/v1/kv/", raw_query)

        if path.startswith("/v1/kv/"):
            allowed = ["GET", "PUT", "DELETE"]
            fn = self._kv
        elif path == "/v1/agent/members":
            allowed = ["GET"]
            fn = self._members
        elif path == "/v1/status/leader":
            allowed = ["GET"]
            fn = self._status_leader
        elif path == "/v1/status/peers":
            allowed = ["GET"]
            fn = self._status_peers
        else:
            return self._index(path)

        base = {"X-Consul-Default-Acl-Policy": "deny" if Config.token else "allow"}
        params = go_parse_query(raw_query)
        if params is None:
            return Response(500, b"", dict(base))       # wrap(): "Failed to decode query"
        if method == "OPTIONS":
            h = dict(base)
            h["Allow"] = ",".join(["OPTIONS"] + allowed)
            return Response(200, b"", h)
        if method not in allowed:
            h = dict(base)
            h["Allow"] = ",".join(["OPTIONS"] + allowed)
            return Response(405, ("method %s not allowed" % method).encode(), h)
        token = (params.get("token") or [""])[0] or header_token
        try:
            resp = fn(method, path, params, body, content_length, token)
        except HTTPErr as e:
            resp = Response(e.status, e.body.encode("utf-8"))
        for k, v in base.items():
            resp.headers.setdefault(k, v)
        return resp

    def _redirect(self, method, location, raw_query):
        url = urllib.parse.quote(location, safe="/$&+,:;=@") + (("?" + raw_query) if raw_query else "")
        h = {"Location": url}
        body = b""
        if method in ("GET", "HEAD"):
            h["Content-Type"] = "text/html; charset=utf-8"
        if method == "GET":
            esc = url.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
            body = ('<a href="%s">Moved Permanently</a>.\n\n' % esc).encode("utf-8")
        return Response(301, body, h, wrapped=False)

    def _index(self, path):
        if path == "/":
            return Response(200, b"Consul Agent: UI disabled. To enable, set ui_config.enabled=true "
                                 b"in the agent configuration and restart.", wrapped=False)
        if "/v1/" in path:
            msg = "Invalid URL path: not a recognized HTTP API endpoint\n"
        else:
            msg = "Invalid URL path: if attempting to use the HTTP API, ensure the path starts with '/v1/'\n"
        return Response(404, msg.encode(), wrapped=False)

    # -- ACL ----------------------------------------------------------------
    @staticmethod
    def _authz(token):
        """'allow' (ACLs off or the configured token), 'anonymous', or raise ACL not found."""
        if Config.token is None:
            return "allow"
        if token == "":
            return "anonymous"
        if token == Config.token:
            return "allow"
        raise acl_not_found()

    # -- common query parsing: HTTPHandlers.parse ---------------------------
    @staticmethod
    def _parse_common(params):
        if "stale" in params and "consistent" in params:
            raise HTTPErr(400, "Cannot specify ?stale with ?consistent, conflicting semantics.")
        wait = None
        w = (params.get("wait") or [""])[0]
        if w != "":
            try:
                wait = go_parse_duration(w)
            except ValueError:
                raise HTTPErr(400, "Invalid wait time")
        index = 0
        i = (params.get("index") or [""])[0]
        if i != "":
            try:
                index = parse_uint64(i)
            except ValueError:
                raise HTTPErr(400, "Invalid index")
        if wait is None or wait <= 0:
            wait = DEFAULT_BLOCK_SECONDS
        return index, min(wait, BLOCK_CAP_SECONDS)

    # -- /v1/kv/ --------------------------------------------------------------
    def _kv(self, method, path, params, body, content_length, token):
        min_index, wait = self._parse_common(params)
        key = path[len("/v1/kv/"):]
        if Config.strict_keys:
            if "../" in path or "..\\" in path:
                raise HTTPErr(400, "URL path contains invalid traversal sequence")
            if key != "":
                err = validate_kv_key(key)
                if err:
                    raise HTTPErr(400, err)
        pretty = "pretty" in params
        if method == "GET":
            if "keys" in params:
                return self._kv_keys(key, params, token, min_index, wait, pretty)
            return self._kv_get(key, params, token, min_index, wait, pretty)
        if method == "PUT":
            return self._kv_put(key, params, body, content_length, token, pretty)
        return self._kv_delete(key, params, token, pretty)

    def _kv_get(self, key, params, token, min_index, wait, pretty):
        store = Config.store
        recurse = "recurse" in params
        if not recurse and key == "":
            raise HTTPErr(400, "Missing key name")
        authz = self._authz(token)
        if not recurse:
            if authz == "anonymous":
                raise permission_denied("read", key)

            def q():
                idx, ent = store._get(key)
                return idx, ([ent] if ent is not None else [])
        else:
            def q():
                idx, ents = store._list(key)
                if authz == "anonymous":
                    ents = []          # FilterDirEnt removes everything the token cannot read
                return idx, ents
        idx, ents = store.blocking(min_index, wait, q)
        headers = meta_headers(idx)
        if not ents:
            return Response(404, b"", headers)
        if "raw" in params and not recurse:
            value = ents[0].value or b""
            headers.update({
                "Content-Length": str(len(value)),
                "Content-Type": "text/plain",
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "sandbox",
            })
            return Response(200, value, headers)
        headers["Content-Type"] = "application/json"
        return Response(200, go_json([e.to_json() for e in ents], pretty), headers)

    def _kv_keys(self, prefix, params, token, min_index, wait, pretty):
        store = Config.store
        sep = ""
        if "seperator" in params:
            sep = params["seperator"][0]
        if "separator" in params:
            sep = params["separator"][0]
        authz = self._authz(token)

        def q():
            idx, ents = store._list(prefix)
            if authz == "anonymous":
                ents = []
            keys, seen = [], set()
            for e in ents:
                if sep == "":
                    keys.append(e.key)
                    continue
                after = e.key[len(prefix):]
                at = after.find(sep)
                if at > -1:
                    k = e.key[:len(prefix) + at + len(sep)]
                    if k not in seen:
                        keys.append(k)
                        seen.add(k)
                else:
                    keys.append(e.key)
            return idx, keys
        idx, keys = store.blocking(min_index, wait, q)
        headers = meta_headers(idx)
        if not keys and prefix != "":
            return Response(404, b"", headers)
        headers["Content-Type"] = "application/json"
        return Response(200, go_json(keys, pretty), headers)

    @staticmethod
    def _conflicting(params, *names):
        found = False
        for n in names:
            if n in params:
                if found:
                    raise HTTPErr(400, "Conflicting flags: %s\n" % go_query_encode(params))
                found = True

    def _kv_put(self, key, params, body, content_length, token, pretty):
        if key == "":
            raise HTTPErr(400, "Missing key name")
        self._conflicting(params, "cas", "acquire", "release")
        op, flags, cas, session = "set", 0, 0, ""
        if "flags" in params:
            try:
                flags = parse_uint64(params["flags"][0])
            except ValueError as e:
                raise HTTPErr(500, str(e))
        if "cas" in params:
            try:
                cas = parse_uint64(params["cas"][0])
            except ValueError as e:
                raise HTTPErr(500, str(e))
            op = "cas"
        if "acquire" in params:
            session, op = params["acquire"][0], "lock"
        if "release" in params:
            session, op = params["release"][0], "unlock"
        if content_length > KV_MAX_VALUE_SIZE:
            raise HTTPErr(413, "Request body(%d bytes) too large, max size: %d bytes. See %s." % (
                content_length, KV_MAX_VALUE_SIZE,
                "https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size"))
        if self._authz(token) == "anonymous":
            raise permission_denied("write", key)
        value = body if body else None
        ok = Config.store.apply(op, key, value=value, flags=flags, cas=cas, session=session)
        result = True if op == "set" else ok
        return Response(200, go_json(result, pretty), {"Content-Type": "application/json"})

    def _kv_delete(self, key, params, token, pretty):
        self._conflicting(params, "recurse", "cas")
        op, cas = "delete", 0
        if "recurse" in params:
            op = "delete-tree"
        elif key == "":
            raise HTTPErr(400, "Missing key name")
        if "cas" in params:
            try:
                cas = parse_uint64(params["cas"][0])
            except ValueError as e:
                raise HTTPErr(500, str(e))
            op = "delete-cas"
        if self._authz(token) == "anonymous":
            raise permission_denied("write", key)
        ok = Config.store.apply(op, key, cas=cas)
        result = ok if op == "delete-cas" else True
        return Response(200, go_json(result, pretty), {"Content-Type": "application/json"})

    # -- /v1/agent/members -------------------------------------------------------
    def _members(self, method, path, params, body, content_length, token):
        wan = (params.get("wan") or [""])[0] != ""
        segment = (params.get("segment") or [""])[0]
        if wan and segment not in ("", "_all"):
            raise HTTPErr(400, "Cannot provide a segment with wan=true")
        members = wan_members(Config.members, Config.dc) if wan else list(Config.members)
        if not wan and segment not in ("", "_all"):
            members = [m for m in members if m.get("Tags", {}).get("segment", "") == segment]
        if self._authz(token) == "anonymous":
            members = []             # filterMembers: anonymous has no node:read
        return Response(200, go_json(members, "pretty" in params), {"Content-Type": "application/json"})

    # -- /v1/status/* ---------------------------------------------------------------
    def _status_leader(self, method, path, params, body, content_length, token):
        return Response(200, go_json(Config.leader, "pretty" in params), {"Content-Type": "application/json"})

    def _status_peers(self, method, path, params, body, content_length, token):
        return Response(200, go_json([Config.leader], "pretty" in params), {"Content-Type": "application/json"})


def load_data(store, path):
    with open(path, "r", encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise SystemExit("--data: expected a JSON object key -> string value")
    for key in sorted(data):
        value = data[key]
        if value is None:
            raw = None
        elif isinstance(value, str):
            raw = value.encode("utf-8") or None
        else:
            raise SystemExit("--data: value of %r is not a string" % key)
        store.apply("set", key.lstrip("/"), value=raw)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Consul HTTP API stand-in for tests")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = pick a free one)")
    ap.add_argument("--token", default=None, help="require this ACL token (management token)")
    ap.add_argument("--log", default=None, help="append one line per request to FILE")
    ap.add_argument("--data", default=None, help="JSON object key -> string value loaded at start")
    ap.add_argument("--members", default=None, help="JSON array replacing the default member list")
    ap.add_argument("--datacenter", default="dc1")
    ap.add_argument("--version", dest="consul_version", default="1.18.1",
                    help="version advertised in member build tags")
    ap.add_argument("--revision", default="00000000")
    ap.add_argument("--strict-keys", action="store_true",
                    help="apply validateKVKey from the newest agent/kvs_endpoint.go")
    args = ap.parse_args(argv)

    Config.token = args.token if args.token else None
    Config.log_path = args.log
    Config.dc = args.datacenter
    Config.strict_keys = args.strict_keys
    Config.store = Store()
    if args.data:
        load_data(Config.store, args.data)
    if args.members:
        with open(args.members, "r", encoding="utf-8") as f:
            Config.members = json.load(f)
    else:
        Config.members = default_members(args.datacenter, args.consul_version, args.revision,
                                         "1" if Config.token else "0")

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.allow_reuse_address = True
    httpd = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)

    def stop(_signum, _frame):
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sys.stdout.write("listening on 127.0.0.1:%d\n" % httpd.server_address[1])
    sys.stdout.flush()
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
