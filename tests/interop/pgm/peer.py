"""libzmq's side of the epgm interop tests (Debian's python3-zmq with OpenPGM).

usage: peer.py pub|sub ENDPOINT JSON_OPTIONS
Messages are [topic, 8-digit sequence number, body of `size` bytes all equal
to sequence % 251], the body split in `parts` frames. A subscriber stops after
`count` messages, or with `untilLast` at the one numbered count - 1. Prints "ready" once
connected, then one JSON line with what happened.
"""
import json, sys, time
import zmq

role, endpoint, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
ctx = zmq.Context()
sock = ctx.socket(zmq.PUB if role == "pub" else zmq.SUB)
if "rate" in options:
    sock.setsockopt(zmq.RATE, options["rate"])
if "recoveryInterval" in options:
    sock.setsockopt(zmq.RECOVERY_IVL, options["recoveryInterval"])
sock.setsockopt(zmq.LINGER, 5000)
if role == "sub":
    sock.setsockopt(zmq.SUBSCRIBE, options.get("subscribe", "").encode())
    sock.setsockopt(zmq.RCVHWM, 0)
else:
    sock.setsockopt(zmq.SNDHWM, 0)
sock.connect(endpoint)
print("ready", flush=True)

def frames(seq, size, parts):
    body = bytes([seq % 251]) * size
    step = max(1, -(-size // parts))
    chunks = [body[i:i + step] for i in range(0, size, step)] or [b""]
    return [options.get("topic", "t").encode(), b"%08d" % seq] + chunks

if role == "pub":
    time.sleep(options.get("startDelay", 0.5))
    count, size, parts = options["count"], options["size"], options.get("parts", 1)
    start = time.time()
    for seq in range(count):
        sock.send_multipart(frames(seq, size, parts))
    queued = time.time() - start
    time.sleep(options.get("hold", 3))
    print(json.dumps({"sent": count, "queuedSeconds": queued}), flush=True)
else:
    count, deadline = options["count"], time.time() + options.get("timeout", 20)
    received, bad, expected, first_at, last_at, first_seq, last_seq = 0, 0, None, None, None, None, None
    gaps = 0
    sock.setsockopt(zmq.RCVTIMEO, 100)
    # untilLast: a late joiner stops at the last message instead of counting.
    until_last = options.get("untilLast", False)
    while (last_seq != count - 1 if until_last else received < count) and time.time() < deadline:
        try:
            msg = sock.recv_multipart()
        except zmq.Again:
            continue
        now = time.time()
        first_at = first_at or now
        last_at = now
        seq = int(msg[1])
        body = b"".join(msg[2:])
        if len(body) != options["size"] or body != bytes([seq % 251]) * options["size"]:
            bad += 1
        if expected is not None and seq != expected:
            gaps += 1
        expected = seq + 1
        first_seq = seq if first_seq is None else first_seq
        last_seq = seq
        received += 1
    print(json.dumps({
        "received": received, "bad": bad, "gaps": gaps, "firstSeq": first_seq, "lastSeq": last_seq,
        "seconds": (last_at - first_at) if first_at else 0,
    }), flush=True)
sock.close()
ctx.term()
