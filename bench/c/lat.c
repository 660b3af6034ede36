/*
 * Benchmark program: libzmq's own round-trip latency, in C, in the shape of
 * libzmq's perf/local_lat and perf/remote_lat, speaking the JSON lines of
 * bench/protocol.ts.
 *
 *   lat server ENDPOINT PATTERN
 *       binds REP (PATTERN reqrep) or ROUTER (dealerrouter), prints
 *       {"endpoint"} and echoes every message
 *   lat client ENDPOINT PATTERN SIZE WARMUP_MS DURATION_MS
 *       connects REQ or DEALER, one request in flight, times each round trip
 *       through the window, prints {"result":{"p50","p99","samples"}} in us
 *
 * Built by bench/main.ts with `cc -O2 lat.c $(pkg-config --cflags --libs libzmq)`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

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
  size_t p99 = (size_t)(0.99 * samples);
  printf("{\"result\":{\"p50\":%.3f,\"p99\":%.3f,\"samples\":%zu}}\n", rtt[samples / 2],
         rtt[p99 < samples ? p99 : samples - 1], samples);
  fflush(stdout);
}

int main(int argc, char **argv) {
  void *ctx = zmq_ctx_new();
  if (argc == 4 && strcmp(argv[1], "server") == 0) {
    int router = strcmp(argv[3], "dealerrouter") == 0;
    void *socket = zmq_socket(ctx, router ? ZMQ_ROUTER : ZMQ_REP);
    if (zmq_bind(socket, argv[2]) != 0) die("zmq_bind");
    char endpoint[256];
    size_t length = sizeof endpoint;
    if (zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &length) != 0) die("getsockopt");
    printf("{\"endpoint\":\"%s\"}\n", endpoint);
    fflush(stdout);
    serve(socket);
    return 0;
  }
  if (argc == 7 && strcmp(argv[1], "client") == 0) {
    int dealer = strcmp(argv[3], "dealerrouter") == 0;
    void *socket = zmq_socket(ctx, dealer ? ZMQ_DEALER : ZMQ_REQ);
    if (zmq_connect(socket, argv[2]) != 0) die("zmq_connect");
    client(socket, atol(argv[4]), atof(argv[5]), atof(argv[6]));
    _exit(0);
  }
  fprintf(stderr, "usage: lat server ENDPOINT PATTERN | lat client ENDPOINT PATTERN SIZE WARMUP DURATION\n");
  return 2;
}
