# A libzmq (pyzmq) Reply bound to argv[1]: prints the bound endpoint, then
# answers "<request>:pong" until it gets "bye" (or 15 s pass).
import sys
import zmq

ctx = zmq.Context()
rep = ctx.socket(zmq.REP)
rep.setsockopt(zmq.RCVTIMEO, 15000)
rep.setsockopt(zmq.LINGER, 1000)
rep.bind(sys.argv[1])
print(rep.getsockopt(zmq.LAST_ENDPOINT).decode(), flush=True)
while True:
    request = rep.recv()
    rep.send(request + b":pong")
    if request == b"bye":
        break
rep.close()
ctx.term()
