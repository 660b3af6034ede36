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
# A role that binds prints the bound endpoint first; every role prints what
# it receives, one line each. No receive waits more than 20 s, and the
# publisher stops after 30 s.
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
}
roles[sys.argv[1]](*sys.argv[2:])
ctx.destroy(linger=1000)
