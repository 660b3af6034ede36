# libzmq (pyzmq) counterparts of the example programs, for
# tests/examples/runtimes_test.ts. `python3 libzmq_peers.py <role> ...`:
#   rep <endpoint> <n>            hello server: answers n requests with "World"
#   req <endpoint> <n>            hello client: sends "Hello" n times
#   pub <endpoint> <zipcodes>     weather server: random updates until killed
#   sub <endpoint> <zipcode> <n>  weather client: takes n updates for zipcode
#   worker <tasks> <sink> <id>    pipeline worker: each [task, ms] becomes
#                                 ["worker <id>", task] after ms; ends at "stop"
#   broker <frontend> <backend>   broker: ROUTER/DEALER zmq.proxy until killed
#   client <endpoint> <name> <n>  broker client: n requests "<name> job <i>"
#   broker-worker <endpoint> <name>  broker worker: [request, "done by", name]
#   lb-server <endpoint> <name>   lbreq server: answers [name, request]
#   push <endpoint> <n>           PUSH: sends "task <i>" n times
#   pull <endpoint> <n>           PULL: takes n messages
#   publish <endpoint>            PUB (connects): "down"/"up" pairs until killed
#   subscribe <endpoint> <prefix> <n>  SUB (connects): takes n messages
#   config-server <updates> <snapshots> <versions> <interval ms>
#                                 examples/config/server.ts's protocol, printing
#                                 only "config at version <versions>: {...}"
#   config-node <updates> <snapshots> <name> <until>
#                                 examples/config/node.ts's protocol and lines
# A role that binds prints the bound endpoint first; every role prints what
# it receives, one line each. No receive waits more than 20 s, and the
# publisher stops after 30 s.
import json
import random
import sys
import time
import zmq

ctx = zmq.Context()


def socket(kind, endpoint=None, bind=False):
    sock = ctx.socket(kind)
    sock.setsockopt(zmq.RCVTIMEO, 20000)
    sock.setsockopt(zmq.LINGER, 1000)
    if bind:
        sock.bind(endpoint)
        print(sock.getsockopt(zmq.LAST_ENDPOINT).decode(), flush=True)
    elif endpoint is not None:
        sock.connect(endpoint)
    return sock


def rep(endpoint, n):
    sock = socket(zmq.REP, endpoint, bind=True)
    for _ in range(int(n)):
        print(sock.recv().decode(), flush=True)
        sock.send(b"World")


def req(endpoint, n):
    sock = socket(zmq.REQ, endpoint)
    for _ in range(int(n)):
        sock.send(b"Hello")
        print(sock.recv().decode(), flush=True)


def pub(endpoint, zipcodes):
    sock = socket(zmq.PUB, endpoint, bind=True)
    deadline = time.monotonic() + 30
    sent = 0
    while time.monotonic() < deadline:
        zipcode = random.randrange(int(zipcodes))
        update = "%05d %d %d" % (zipcode, random.randrange(215) - 80, random.randrange(50) + 10)
        sock.send_string(update)
        sent += 1
        if sent % 100 == 0:
            time.sleep(0.001)


def sub(endpoint, zipcode, n):
    sock = socket(zmq.SUB, endpoint)
    sock.setsockopt_string(zmq.SUBSCRIBE, zipcode + " ")
    for _ in range(int(n)):
        print(sock.recv_string(), flush=True)


def worker(tasks_endpoint, sink_endpoint, worker_id):
    tasks = socket(zmq.PULL, tasks_endpoint)
    sink = socket(zmq.PUSH, sink_endpoint)
    while True:
        frames = tasks.recv_multipart()
        if frames[0] == b"stop":
            break
        time.sleep(int(frames[1]) / 1000)
        sink.send_multipart([b"worker " + worker_id.encode(), frames[0]])
        print(frames[0].decode(), flush=True)


def broker(frontend_endpoint, backend_endpoint):
    frontend = socket(zmq.ROUTER, frontend_endpoint, bind=True)
    backend = socket(zmq.DEALER, backend_endpoint, bind=True)
    zmq.proxy(frontend, backend)


def client(endpoint, name, n):
    sock = socket(zmq.REQ, endpoint)
    for i in range(1, int(n) + 1):
        sock.send_string("%s job %d" % (name, i))
        print("%s: %s" % (name, b" ".join(sock.recv_multipart()).decode()), flush=True)


def broker_worker(endpoint, name):
    sock = socket(zmq.REP, endpoint)
    sock.setsockopt(zmq.RCVTIMEO, -1)  # serves until killed
    while True:
        sock.send_multipart([sock.recv(), b"done by", name.encode()])


def lb_server(endpoint, name):
    sock = socket(zmq.REP, endpoint, bind=True)
    sock.setsockopt(zmq.RCVTIMEO, -1)  # serves until killed
    while True:
        sock.send_multipart([name.encode(), sock.recv()])


def push(endpoint, n):
    sock = socket(zmq.PUSH, endpoint)
    for i in range(int(n)):
        sock.send_string("task %d" % i)


def pull(endpoint, n):
    sock = socket(zmq.PULL, endpoint)
    for _ in range(int(n)):
        print(b" ".join(sock.recv_multipart()).decode(), flush=True)


def publish(endpoint):
    sock = socket(zmq.PUB, endpoint)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        sock.send_multipart([b"down", b"not wanted"])
        sock.send_multipart([b"up", b"wanted"])
        time.sleep(0.02)


def subscribe(endpoint, prefix, n):
    sock = socket(zmq.SUB, endpoint)
    sock.setsockopt_string(zmq.SUBSCRIBE, prefix)
    for _ in range(int(n)):
        print(b" ".join(sock.recv_multipart()).decode(), flush=True)


def show(config):
    return json.dumps(dict(sorted(config.items())), separators=(",", ":"))


def change(n):
    if n % 4 == 0:
        return "max_connections", 100 + n
    if n % 4 == 1:
        return "log_level", ["debug", "info", "warn"][n % 3]
    if n % 4 == 2:
        return "timeout_ms", 1000 + 10 * n
    return "feature.%d" % (n % 3), n % 2 == 0


def config_server(updates_endpoint, snapshots_endpoint, versions, interval):
    publisher = socket(zmq.PUB, updates_endpoint, bind=True)
    snapshots = socket(zmq.ROUTER, snapshots_endpoint, bind=True)
    config, version = {}, 0
    next_change = next_hugz = time.monotonic()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = time.monotonic()
        if version < int(versions) and now >= next_change:
            version += 1
            key, value = change(version)
            config[key] = value
            publisher.send_multipart(
                [b"config.update", b"%d" % version, key.encode(), json.dumps(value).encode()]
            )
            next_change = now + int(interval) / 1000
            if version == int(versions):
                print("config at version %d: %s" % (version, show(config)), flush=True)
        if now >= next_hugz:
            publisher.send_multipart([b"config.hugz", b"%d" % version])
            next_hugz = now + 0.1
        if snapshots.poll(1):
            node, request = snapshots.recv_multipart()
            if request == b"snapshot":
                for key, value in config.items():
                    snapshots.send_multipart([node, b"kv", key.encode(), json.dumps(value).encode()])
                snapshots.send_multipart([node, b"done", b"%d" % version])


def config_node(updates_endpoint, snapshots_endpoint, name, until):
    updates = socket(zmq.SUB, updates_endpoint)
    updates.setsockopt_string(zmq.SUBSCRIBE, "config.")
    snapshots = socket(zmq.DEALER, snapshots_endpoint)

    def take_snapshot():
        snapshots.send(b"snapshot")
        fresh = {}
        while True:
            kind, *rest = [frame.decode() for frame in snapshots.recv_multipart()]
            if kind == "kv":
                fresh[rest[0]] = json.loads(rest[1])
            elif kind == "done":
                print("%s: snapshot at version %s" % (name, rest[0]), flush=True)
                return fresh, int(rest[0])

    config, version = take_snapshot()
    while version < int(until):
        topic, seq, *rest = [frame.decode() for frame in updates.recv_multipart()]
        n = int(seq)
        if n <= version:
            continue
        if topic == "config.update" and n == version + 1:
            config[rest[0]] = json.loads(rest[1])
            version = n
            print("%s: version %d %s=%s" % (name, n, rest[0], rest[1]), flush=True)
        else:
            print("%s: missed versions %d..%d, taking a snapshot" % (name, version + 1, n), flush=True)
            config, version = take_snapshot()
    print("%s: config at version %d: %s" % (name, version, show(config)), flush=True)


roles = {
    "rep": rep,
    "req": req,
    "pub": pub,
    "sub": sub,
    "worker": worker,
    "broker": broker,
    "client": client,
    "broker-worker": broker_worker,
    "lb-server": lb_server,
    "push": push,
    "pull": pull,
    "publish": publish,
    "subscribe": subscribe,
    "config-server": config_server,
    "config-node": config_node,
}
roles[sys.argv[1]](*sys.argv[2:])
ctx.destroy(linger=1000)
