/*
 * Benchmark program: libzmq's own round-trip latency, in C, in the shape of
 * libzmq's perf/local_lat and perf/remote_lat, speaking the JSON lines of
 * bench/protocol.ts.
 *
 *   lat server ENDPOINT PATTERN [curve]
 *       binds REP (PATTERN reqrep or handshake) or ROUTER (dealerrouter),
 *       prints {"endpoint"} and echoes every message
 *   lat client ENDPOINT PATTERN SIZE WARMUP_MS DURATION_MS [curve]
 *       connects REQ or DEALER, one request in flight, times each round trip
 *       through the window, prints {"result":{"p50","p90","p99","p999","samples"}}
 *       in us;
 *       PATTERN handshake: a new REQ per round trip (connect, handshake, one
 *       SIZE-byte request and its reply, close), counted through the window
 *       as {"result":{"messages","seconds","bytes"}} (messages = handshakes)
 *
 * `curve` makes the server a CURVE server and the clients its clients, with
 * the keys of bench/programs/curve_keys.json (curve_keys.h).
 *
 * Built by bench/main.ts with `cc -O2 lat.c $(pkg-config --cflags --libs libzmq)`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "curve_keys.h"

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *what) {
  fprintf(stderr, "lat: %s: %s\n", what, zmq_strerror(zmq_errno()));
  exit(1);
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Echoes whole messages (all frames, ROUTER's routing id included). */
static void serve(void *socket) {
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  for (;;) {
    if (zmq_msg_recv(&msg, socket, 0) < 0) die("zmq_msg_recv");
    int more = zmq_msg_more(&msg);
    if (zmq_msg_send(&msg, socket, more ? ZMQ_SNDMORE : 0) < 0) die("zmq_msg_send");
  }
}

/* The q-quantile of sorted samples, as common.ts takes it. */
static double at(const double *sorted, size_t n, double q) {
  size_t i = (size_t)(q * n);
  return sorted[i < n ? i : n - 1];
}

static void client(void *socket, long size, double warmup, double duration) {
  size_t capacity = 1 << 20, samples = 0;
  double *rtt = malloc(capacity * sizeof *rtt);
  char *payload = malloc(size > 0 ? size : 1);
  memset(payload, 'a', size);
  zmq_msg_t reply;
  zmq_msg_init(&reply);
  double open = now_us() + warmup * 1e3, close = open + duration * 1e3;
  for (;;) {
    double before = now_us();
    if (zmq_send(socket, payload, size, 0) < 0) die("zmq_send");
    if (zmq_msg_recv(&reply, socket, 0) < 0) die("zmq_msg_recv");
    double after = now_us();
    if ((long)zmq_msg_size(&reply) != size) die("short reply");
    if (before >= open && samples < capacity) rtt[samples++] = after - before;
    if (after >= close) break;
  }
  qsort(rtt, samples, sizeof *rtt, compare);
  printf("{\"result\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"p999\":%.3f,\"samples\":%zu}}\n",
         at(rtt, samples, 0.5), at(rtt, samples, 0.9), at(rtt, samples, 0.99),
         at(rtt, samples, 0.999), samples);
  fflush(stdout);
}

/* Whole connections: a fresh REQ for each round trip, until the window closes. */
static void handshakes(void *ctx, const char *endpoint, int curve, long size, double warmup,
                       double duration) {
  char *payload = calloc(1, size > 0 ? size : 1);
  zmq_msg_t reply;
  zmq_msg_init(&reply);
  long count = 0, open_count = 0;
  double open = now_us() + warmup * 1e3, open_at = -1, now;
  for (;;) {
    void *req = zmq_socket(ctx, ZMQ_REQ);
    int linger = 0;
    if (req == NULL || zmq_setsockopt(req, ZMQ_LINGER, &linger, sizeof linger) != 0) die("socket");
    if (curve && curve_client(req) != 0) die("curve options");
    if (zmq_connect(req, endpoint) != 0) die("zmq_connect");
    if (zmq_send(req, payload, size, 0) < 0) die("zmq_send");
    if (zmq_msg_recv(&reply, req, 0) < 0) die("zmq_msg_recv");
    zmq_close(req);
    count++;
    now = now_us();
    if (open_at < 0 && now >= open) {
      open_at = now;
      open_count = count;
    }
    if (open_at >= 0 && now - open_at >= duration * 1e3) break;
  }
  printf("{\"result\":{\"messages\":%ld,\"seconds\":%.9f,\"bytes\":0}}\n", count - open_count,
         (now - open_at) / 1e6);
  fflush(stdout);
}

int main(int argc, char **argv) {
  void *ctx = zmq_ctx_new();
  if ((argc == 4 || argc == 5) && strcmp(argv[1], "server") == 0) {
    int router = strcmp(argv[3], "dealerrouter") == 0;
    void *socket = zmq_socket(ctx, router ? ZMQ_ROUTER : ZMQ_REP);
    if (argc == 5 && curve_server(socket) != 0) die("curve options");
    if (zmq_bind(socket, argv[2]) != 0) die("zmq_bind");
    char endpoint[256];
    size_t length = sizeof endpoint;
    if (zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &length) != 0) die("getsockopt");
    printf("{\"endpoint\":\"%s\"}\n", endpoint);
    fflush(stdout);
    serve(socket);
    return 0;
  }
  if ((argc == 7 || argc == 8) && strcmp(argv[1], "client") == 0) {
    if (strcmp(argv[3], "handshake") == 0) {
      handshakes(ctx, argv[2], argc == 8, atol(argv[4]), atof(argv[5]), atof(argv[6]));
      _exit(0);
    }
    int dealer = strcmp(argv[3], "dealerrouter") == 0;
    void *socket = zmq_socket(ctx, dealer ? ZMQ_DEALER : ZMQ_REQ);
    if (argc == 8 && curve_client(socket) != 0) die("curve options");
    if (zmq_connect(socket, argv[2]) != 0) die("zmq_connect");
    client(socket, atol(argv[4]), atof(argv[5]), atof(argv[6]));
    _exit(0);
  }
  fprintf(stderr, "usage: lat server ENDPOINT PATTERN | lat client ENDPOINT PATTERN SIZE WARMUP DURATION\n");
  return 2;
}
