/*
 * Benchmark program: libzmq's own PUSH->PULL throughput, in C, in the
 * shape of libzmq's perf/local_thr and perf/remote_thr, speaking the JSON
 * lines of bench/protocol.ts (one process per role, as the other rows).
 *
 *   thr receiver ENDPOINT SIZE WARMUP_MS DURATION_MS [curve]
 *       binds, prints {"endpoint"}, counts messages through the window,
 *       prints {"result"}
 *   thr sender ENDPOINT SIZE [curve]
 *       connects and sends SIZE-byte messages until killed
 *
 * `curve` makes the receiver a CURVE server and the sender its client, with
 * the keys of bench/programs/curve_keys.json (curve_keys.h).
 *   thr inproc SIZE WARMUP_MS DURATION_MS
 *       both in one process over inproc://, the sender on its own thread
 *
 * Built by bench/main.ts with `cc -O2 thr.c $(pkg-config --cflags --libs libzmq)`.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "curve_keys.h"

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what) {
  fprintf(stderr, "thr: %s: %s\n", what, zmq_strerror(zmq_errno()));
  exit(1);
}

static long check_every(long size) {
  if (size < 1024) return 1024;
  if (size < 16 * 1024) return 64;
  return 1;
}

/* Counts messages through the window (opened WARMUP ms after the first check). */
static void receive(void *pull, long size, double warmup, double duration) {
  zmq_msg_t msg;
  if (zmq_msg_init(&msg) != 0) die("zmq_msg_init");
  long every = check_every(size), count = 0, next_check = every, open_count = 0;
  double first_at = -1, open_at = -1;
  for (;;) {
    if (zmq_msg_recv(&msg, pull, 0) < 0) die("zmq_msg_recv");
    if ((long)zmq_msg_size(&msg) != size) {
      fprintf(stderr, "thr: got %zu bytes, expected %ld\n", zmq_msg_size(&msg), size);
      exit(1);
    }
    if (++count != next_check) continue;
    next_check += every;
    double now = now_ms();
    if (open_at < 0) {
      if (first_at < 0) first_at = now;
      if (now - first_at >= warmup) {
        open_at = now;
        open_count = count;
      }
      continue;
    }
    if (now - open_at < duration) continue;
    long messages = count - open_count;
    printf("{\"result\":{\"messages\":%ld,\"seconds\":%.9f,\"bytes\":%.0f}}\n", messages,
           (now - open_at) / 1e3, (double)messages * size);
    fflush(stdout);
    return;
  }
}

/* Sends SIZE-byte messages until the process is killed. */
static void send_forever(void *push, long size) {
  for (;;) {
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, size) != 0) die("zmq_msg_init_size");
    memset(zmq_msg_data(&msg), 'a', size);
    if (zmq_msg_send(&msg, push, 0) < 0) die("zmq_msg_send");
  }
}

struct sender_args {
  void *ctx;
  long size;
};

static void *inproc_sender(void *arg) {
  struct sender_args *args = arg;
  void *push = zmq_socket(args->ctx, ZMQ_PUSH);
  if (push == NULL || zmq_connect(push, "inproc://thr") != 0) die("inproc connect");
  send_forever(push, args->size);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: thr receiver|sender|inproc ...\n");
    return 2;
  }
  void *ctx = zmq_ctx_new();
  const char *role = argv[1];
  if (strcmp(role, "receiver") == 0 && (argc == 6 || argc == 7)) {
    void *pull = zmq_socket(ctx, ZMQ_PULL);
    if (argc == 7 && curve_server(pull) != 0) die("curve options");
    if (zmq_bind(pull, argv[2]) != 0) die("zmq_bind");
    char endpoint[256];
    size_t length = sizeof endpoint;
    if (zmq_getsockopt(pull, ZMQ_LAST_ENDPOINT, endpoint, &length) != 0) die("getsockopt");
    printf("{\"endpoint\":\"%s\"}\n", endpoint);
    fflush(stdout);
    receive(pull, atol(argv[3]), atof(argv[4]), atof(argv[5]));
    return 0;
  }
  if (strcmp(role, "sender") == 0 && (argc == 4 || argc == 5)) {
    void *push = zmq_socket(ctx, ZMQ_PUSH);
    if (argc == 5 && curve_client(push) != 0) die("curve options");
    if (zmq_connect(push, argv[2]) != 0) die("zmq_connect");
    send_forever(push, atol(argv[3]));
    return 0;
  }
  if (strcmp(role, "inproc") == 0 && argc == 5) {
    void *pull = zmq_socket(ctx, ZMQ_PULL);
    if (zmq_bind(pull, "inproc://thr") != 0) die("zmq_bind");
    struct sender_args args = {ctx, atol(argv[2])};
    pthread_t thread;
    pthread_create(&thread, NULL, inproc_sender, &args);
    receive(pull, args.size, atof(argv[3]), atof(argv[4]));
    _exit(0); /* the sender thread never ends: leave without zmq_ctx_term */
  }
  fprintf(stderr, "thr: bad arguments\n");
  return 2;
}
