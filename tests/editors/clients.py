"""Editor-protocol checks against a running rlvrd, with the clients editors use.

Usage: python3 clients.py <base url> <token>
Exits non-zero on the first failed check. Run by tests/tests/editors.rs.
"""

import http.client
import json
import sys
import urllib.parse

import ollama
import openai

import common
from common import check

BASE, TOKEN = sys.argv[1], sys.argv[2]
HOST = urllib.parse.urlparse(BASE).netloc


def raw(method, path, body=None, token=TOKEN, headers=None):
    """A plain HTTP request; (status, parsed JSON or text)."""
    conn = http.client.HTTPConnection(HOST, timeout=120)
    h = {"Content-Type": "application/json"}
    if token is not None:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    conn.request(method, path, body=data, headers=h)
    resp = conn.getresponse()
    text = resp.read().decode("utf-8", "replace")
    try:
        return resp.status, json.loads(text)
    except ValueError:
        return resp.status, text


# --- OpenAI, through the official client ---------------------------------------------
client = openai.OpenAI(base_url=BASE + "/v1", api_key=TOKEN, max_retries=0, timeout=120)

ids = [m.id for m in client.models.list().data]
check(ids == ["rlvrd", "rlvrd-latest", "rlvrd-base"], f"model list: {ids}")

c = client.completions.create(model="rlvrd", prompt="def add(a, b):\n", suffix="\n\nprint(add(1, 2))\n", max_tokens=6, temperature=0)
check(c.object == "text_completion" and len(c.choices) == 1, f"completion shape: {c}")
check(isinstance(c.choices[0].text, str) and c.choices[0].finish_reason in ("stop", "length"), f"completion choice: {c.choices[0]}")
check(c.usage.completion_tokens <= 6 and c.usage.prompt_tokens > 0, f"usage: {c.usage}")

# Greedy and seeded answers repeat; n answers come back as n choices.
again = client.completions.create(model="rlvrd", prompt="def add(a, b):\n", suffix="\n\nprint(add(1, 2))\n", max_tokens=6, temperature=0)
check(again.choices[0].text == c.choices[0].text, "greedy completions repeat")
several = client.completions.create(model="rlvrd-base", prompt="x = ", max_tokens=3, temperature=0.8, seed=5, n=2)
check([ch.index for ch in several.choices] == [0, 1], f"n=2: {several.choices}")

streamed = client.completions.create(model="rlvrd", prompt="def add(a, b):\n", max_tokens=6, temperature=0, stream=True)
pieces, finish = [], None
for chunk in streamed:
    pieces.append(chunk.choices[0].text)
    finish = chunk.choices[0].finish_reason or finish
plain = client.completions.create(model="rlvrd", prompt="def add(a, b):\n", max_tokens=6, temperature=0)
check("".join(pieces) == plain.choices[0].text, f"stream {pieces!r} == {plain.choices[0].text!r}")
check(finish in ("stop", "length"), f"stream finish: {finish}")

chat = client.chat.completions.create(model="rlvrd-latest", messages=[{"role": "user", "content": "Write a function that adds."}], max_tokens=5, temperature=0)
check(chat.choices[0].message.role == "assistant" and isinstance(chat.choices[0].message.content, str), f"chat: {chat}")
deltas = [ch.choices[0].delta.content or "" for ch in client.chat.completions.create(
    model="rlvrd", messages=[{"role": "user", "content": [{"type": "text", "text": "Write a function that adds."}]}], max_tokens=5, temperature=0, stream=True) if ch.choices]
check("".join(deltas) == client.chat.completions.create(model="rlvrd", messages=[{"role": "user", "content": "Write a function that adds."}], max_tokens=5, temperature=0).choices[0].message.content, "chat stream == chat")

# Errors, in OpenAI's shape with the right status.
for kwargs, status, exc in [
    (dict(model="gpt-4o", prompt="x", max_tokens=2), 404, openai.NotFoundError),
    (dict(model="rlvrd", prompt="x", max_tokens=0), 400, openai.BadRequestError),
    (dict(model="rlvrd", prompt="x", max_tokens=10**9), 400, openai.BadRequestError),
    (dict(model="rlvrd", prompt="x", max_tokens=2, temperature=99.0), 400, openai.BadRequestError),
]:
    try:
        client.completions.create(**kwargs)
        check(False, f"{kwargs} must fail")
    except exc as e:
        check(e.status_code == status and isinstance(e.body, dict) and e.body.get("message"), f"{kwargs}: {e.status_code} {e.body}")
try:
    openai.OpenAI(base_url=BASE + "/v1", api_key="wrong", max_retries=0).models.list()
    check(False, "a wrong key must fail")
except openai.AuthenticationError as e:
    check(e.status_code == 401 and "unauthorized" in str(e.body.get("message", "")), f"wrong key: {e.body}")

# --- Ollama, through the official client ---------------------------------------------
oc = ollama.Client(host=BASE, headers={"Authorization": "Bearer " + TOKEN}, timeout=120)
names = [m.model for m in oc.list().models]
check(names == ["rlvrd", "rlvrd-latest", "rlvrd-base"], f"ollama tags: {names}")
g = oc.generate(model="rlvrd", prompt="def add(a, b):\n", suffix="\n", raw=True, options={"num_predict": 5, "temperature": 0})
check(g.done and isinstance(g.response, str) and g.eval_count <= 5, f"ollama generate: {g}")
parts = list(oc.generate(model="rlvrd:latest", prompt="def add(a, b):\n", suffix="\n", raw=True, options={"num_predict": 5, "temperature": 0}, stream=True))
check(parts[-1].done and "".join(p.response for p in parts) == g.response, f"ollama stream: {parts}")
try:
    oc.generate(model="llama3", prompt="x", options={"num_predict": 2})
    check(False, "unknown ollama model must fail")
except ollama.ResponseError as e:
    check(e.status_code == 404 and "not found" in e.error, f"ollama unknown model: {e.status_code} {e.error}")
status, body = raw("GET", "/api/version")
check(status == 200 and "version" in body, f"version: {body}")

# --- llama.cpp /infill, the request llama.vim sends ---------------------------------
status, body = raw("GET", "/health")
check(status == 200 and body == {"status": "ok"}, f"health: {status} {body}")
llama_vim = {
    "input_prefix": "import math\n\ndef area(r):\n",
    "input_suffix": "\n\nprint(area(2))\n",
    "input_extra": [{"text": "def helper():\n    return 1\n", "time": 1700000000.0, "filename": "util.py"}],
    "prompt": "    return ",
    "n_predict": 8,
    "stop": [],
    "n_indent": 4,
    "top_k": 40,
    "top_p": 0.90,
    "stream": False,
    "samplers": ["top_k", "top_p", "infill"],
    "cache_prompt": True,
    "t_max_prompt_ms": 500,
    "t_max_predict_ms": 1000,
    "response_fields": ["content", "timings/prompt_n", "timings/prompt_ms", "timings/prompt_per_token_ms", "timings/prompt_per_second",
                        "timings/predicted_n", "timings/predicted_ms", "timings/predicted_per_token_ms", "timings/predicted_per_second",
                        "truncated", "tokens_cached"],
}
status, body = raw("POST", "/infill", llama_vim)
check(status == 200 and isinstance(body.get("content"), str) and body["timings"]["predicted_n"] <= 8, f"infill: {status} {body}")
# llama.vim's cache warm-up: n_predict 0, empty prefix and suffix.
status, body = raw("POST", "/infill", {"input_prefix": "", "input_suffix": "", "input_extra": llama_vim["input_extra"], "prompt": "", "n_predict": 0, "temperature": 0.0, "stream": False, "samplers": ["temperature"], "cache_prompt": True, "t_max_prompt_ms": 1, "t_max_predict_ms": 1})
check(status == 200 and body["content"] == "", f"warm-up: {status} {body}")
status, text = raw("POST", "/infill", dict(llama_vim, stream=True))
events = [json.loads(line[6:]) for line in text.split("\n") if line.startswith("data: ")]
check(events and events[-1]["stop"] is True and all(not e["stop"] for e in events[:-1]), f"infill stream: {events}")

# --- Bad input on every protocol, each in its own shape -------------------------------
status, body = raw("POST", "/v1/completions", b'{"prompt": "\xff\xfe"}')
check(status == 400 and "UTF-8" in body["error"]["message"], f"non-UTF-8: {status} {body}")
status, body = raw("POST", "/v1/completions", b"{" + b" " * (2 << 20) + b"}")
check(status == 413 and "larger than" in body["error"]["message"], f"oversized: {status}")
status, body = raw("POST", "/infill", {"input_prefix": "x", "n_predict": -5})
check(status == 400 and body["error"]["code"] == 400, f"infill n_predict: {status} {body}")
status, body = raw("POST", "/api/generate", {"model": "rlvrd", "prompt": "x", "raw": True, "stream": False, "options": {"num_predict": 0}})
check(status == 400 and "num_predict" in body["error"], f"ollama num_predict: {status} {body}")
for path in ("/v1/models", "/infill", "/api/tags"):
    status, body = raw("GET" if path != "/infill" else "POST", path, {} if path == "/infill" else None, token=None)
    check(status == 401, f"{path} without a token: {status} {body}")
check(raw("GET", "/v1/models", token=None)[1]["error"]["type"] == "authentication_error", "OpenAI-shaped 401")
check("unauthorized" in raw("GET", "/api/tags", token=None)[1]["error"], "Ollama-shaped 401")
check(raw("POST", "/v1/completions", {"prompt": "x"}, headers={"Origin": "https://evil.example"})[0] == 403, "browser Origin refused")
check(raw("GET", "/v1/completions")[0] == 405, "wrong method")
check(raw("GET", "/v1/embeddings")[0] == 404, "unknown path")

# --- Prometheus metrics -----------------------------------------------------------------
status, text = raw("GET", "/metrics")
check(status == 200 and isinstance(text, str), f"metrics: {status}")
samples = {}
for line in text.splitlines():
    if line and not line.startswith("#"):
        name, value = line.rsplit(" ", 1)
        samples[name] = float(value)
check(samples.get("rlvrd_model_loaded") == 1.0, "model loaded gauge")
check(samples.get("rlvrd_train_step", 0) >= 1 and 0 <= samples.get("rlvrd_train_pass_rate", -1) <= 1, "training gauges")
check(samples.get('rlvrd_http_requests_total{endpoint="/v1/completions",status="200"}', 0) >= 5, "completion requests counted")
check(samples.get('rlvrd_http_requests_total{endpoint="/v1/completions",status="400"}', 0) >= 3, "refused requests counted")
check(samples.get('rlvrd_http_request_duration_seconds_count{endpoint="/infill"}', 0) >= 3, "infill latency histogram")
check(samples.get("rlvrd_serve_completion_tokens_total", 0) > 0, "served tokens counted")
check(raw("GET", "/metrics", token=None)[0] == 401, "metrics need the token")

print(json.dumps({"checks": common.checks}))
