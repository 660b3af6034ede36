/*
 * Benchmark program: many connections to one socket, with libzmq's C API,
 * speaking the JSON lines of bench/protocol.ts.
 *
 *   conns server ENDPOINT pub|router N [ROUNDS GAP_MS]
 *       binds an XPUB (verbose: every subscription is seen; it delivers as a
 *       PUB does) or a ROUTER, prints {"endpoint"}, waits for N peers (N
 *       subscriptions, or N hello messages), then prints
 *       {"result":{"rssBytesPerConnection","acceptedPerSecond","connections"}};
 *       for pub it first publishes ROUNDS messages (default 1), each holding its
 *       send time (CLOCK_REALTIME, microseconds, as text) and followed by a
 *       GAP_MS pause, and adds "cpuUsPerConnection": the median over the rounds
 *       of the process's CPU time from a send to the end of its pause, per peer
 *   conns client ENDPOINT pub|router N [SOURCE_IP [ROUNDS]]
 *       N SUB (subscribed to everything) or DEALER sockets in this process,
 *       each connected (from SOURCE_IP, e.g. 127.3.4.5, when given: each
 *       source address has its own ephemeral ports, and runs of thousands of
 *       connections leave thousands in TIME_WAIT); a DEALER sends one hello. For pub it then receives
 *       ROUNDS messages (default 1) on every SUB and prints
 *       {"result":{"deliveryUs":[…]}}: for each message, the time from its
 *       sending to its arrival at the last subscriber; for router it prints
 *       {"result":{}} once every hello is sent.
 *
 * The peers are always this program (libzmq), whichever library serves, so
 * only the server's side differs. The caller raises the descriptor limit.
 * Built by bench/main.ts with `cc -O2 conns.c $(pkg-config --cflags --libs libzmq)`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static double now_us(clockid_t clock) {
  struct timespec ts;
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void die(const char *what) {
  fprintf(stderr, "conns: %s: %s\n", what, zmq_strerror(zmq_errno()));
  exit(1);
}

/* CPU time of the process (user and system, every thread), microseconds. */
static double cpu_us(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec * 1e6 + usage.ru_utime.tv_usec + usage.ru_stime.tv_sec * 1e6 +
         usage.ru_stime.tv_usec;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The median of `count` values (sorts them), the lower middle one for an even count. */
static double median(double *values, long count) {
  qsort(values, count, sizeof *values, by_value);
  return values[(count - 1) / 2];
}

/* Resident set size in bytes, from /proc/self/statm. */
static double rss_bytes(void) {
  long pages = 0, resident = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f == NULL || fscanf(f, "%ld %ld", &pages, &resident) != 2) die("statm");
  fclose(f);
  return (double)resident * sysconf(_SC_PAGESIZE);
}

static void server(void *ctx, const char *endpoint, int pub, long n, long rounds, long gap_ms) {
  double rss_before = rss_bytes();
  void *socket = zmq_socket(ctx, pub ? ZMQ_XPUB : ZMQ_ROUTER);
  int on = 1;
  if (pub && zmq_setsockopt(socket, ZMQ_XPUB_VERBOSE, &on, sizeof on) != 0) die("verbose");
  int hwm = 0;
  zmq_setsockopt(socket, ZMQ_RCVHWM, &hwm, sizeof hwm);
  if (zmq_bind(socket, endpoint) != 0) die("zmq_bind");
  char bound[256];
  size_t length = sizeof bound;
  if (zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, bound, &length) != 0) die("getsockopt");
  printf("{\"endpoint\":\"%s\"}\n", bound);
  fflush(stdout);
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  double first = -1;
  for (long peers = 0; peers < n;) {
    if (zmq_msg_recv(&msg, socket, 0) < 0) die("zmq_msg_recv");
    if (first < 0) first = now_us(CLOCK_MONOTONIC);
    if (!zmq_msg_more(&msg)) peers++;
  }
  double seconds = (now_us(CLOCK_MONOTONIC) - first) / 1e6;
  usleep(200000); /* as the Deno server: let the last connections' reads settle */
  double rss = (rss_bytes() - rss_before) / n;
  /* Each round: the CPU time (both threads) from the send to the end of the pause after it. */
  double *cpu = calloc(rounds > 0 ? rounds : 1, sizeof *cpu);
  for (long round = 0; pub && round < rounds; round++) {
    double cpu_before = cpu_us();
    char text[32];
    int size = snprintf(text, sizeof text, "%.0f", now_us(CLOCK_REALTIME));
    if (zmq_send(socket, text, size, 0) < 0) die("zmq_send");
    sleep_ms(gap_ms);
    cpu[round] = cpu_us() - cpu_before;
  }
  printf("{\"result\":{\"rssBytesPerConnection\":%.1f,\"acceptedPerSecond\":%.1f,"
         "\"connections\":%ld",
         rss, n / (seconds > 0 ? seconds : 1e-6), n);
  if (pub && rounds > 0) printf(",\"cpuUsPerConnection\":%.2f", median(cpu, rounds) / n);
  printf("}}\n");
  fflush(stdout);
  pause();
}

static void client(void *ctx, const char *endpoint, int pub, long n, const char *source,
                   long rounds) {
  char address[300];
  if (source != NULL && strncmp(endpoint, "tcp://", 6) == 0) {
    snprintf(address, sizeof address, "tcp://%s:0;%s", source, endpoint + 6);
    endpoint = address;
  }
  void **sockets = calloc(n, sizeof *sockets);
  for (long i = 0; i < n; i++) {
    sockets[i] = zmq_socket(ctx, pub ? ZMQ_SUB : ZMQ_DEALER);
    if (sockets[i] == NULL) die("zmq_socket");
    if (pub && zmq_setsockopt(sockets[i], ZMQ_SUBSCRIBE, "", 0) != 0) die("subscribe");
    if (zmq_connect(sockets[i], endpoint) != 0) die("zmq_connect");
    if (!pub && zmq_send(sockets[i], "hello", 5, 0) < 0) die("zmq_send");
  }
  if (!pub) {
    printf("{\"result\":{}}\n");
    fflush(stdout);
    pause();
  }
  char text[32];
  printf("{\"result\":{\"deliveryUs\":[");
  for (long round = 0; round < rounds; round++) {
    double sent = 0;
    for (long i = 0; i < n; i++) {
      int size = zmq_recv(sockets[i], text, sizeof text - 1, 0);
      if (size < 0) die("zmq_recv");
      text[size] = 0;
      sent = atof(text);
    }
    printf("%s%.1f", round > 0 ? "," : "", now_us(CLOCK_REALTIME) - sent);
  }
  printf("]}}\n");
  fflush(stdout);
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc < 5 || argc > 7) {
    fprintf(stderr, "usage: conns server ENDPOINT pub|router N [ROUNDS GAP_MS]\n"
                    "       conns client ENDPOINT pub|router N [SOURCE_IP [ROUNDS]]\n");
    return 2;
  }
  long n = atol(argv[4]);
  int pub = strcmp(argv[3], "pub") == 0;
  void *ctx = zmq_ctx_new();
  if (zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, (int)n + 64) != 0) die("max sockets");
  if (strcmp(argv[1], "server") == 0) {
    server(ctx, argv[2], pub, n, argc >= 6 ? atol(argv[5]) : 1, argc >= 7 ? atol(argv[6]) : 0);
  } else {
    client(ctx, argv[2], pub, n, argc >= 6 ? argv[5] : NULL, argc >= 7 ? atol(argv[6]) : 1);
  }
  return 0;
}
