/*
 * libsodium's crypto_secretbox (XSalsa20-Poly1305), the cipher libzmq's CURVE
 * boxes every message with, alone: MB/s of seal and open per size, in CPU
 * time. bench/curve_primitives.ts --boxes prints it beside this library's
 * JavaScript and WebAssembly paths.
 *
 *   cc -O2 -o secretbox secretbox.c -lsodium && ./secretbox 1024 65536
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (sodium_init() < 0) return 1;
  unsigned char key[crypto_secretbox_KEYBYTES], nonce[crypto_secretbox_NONCEBYTES];
  randombytes_buf(key, sizeof key);
  randombytes_buf(nonce, sizeof nonce);
  for (int a = 1; a < argc; a++) {
    size_t size = strtoul(argv[a], NULL, 10);
    unsigned char *message = calloc(size + 1, 1), *box = malloc(size + crypto_secretbox_MACBYTES);
    randombytes_buf(message, size);
    long iterations = 50000000 / (long)(size + 300) + 20;
    double best_seal = 1e9, best_open = 1e9;
    for (int window = 0; window < 5; window++) {
      double start = cpu_seconds();
      for (long i = 0; i < iterations; i++) crypto_secretbox_easy(box, message, size, nonce, key);
      double seal = (cpu_seconds() - start) / iterations;
      start = cpu_seconds();
      for (long i = 0; i < iterations; i++) {
        if (crypto_secretbox_open_easy(message, box, size + crypto_secretbox_MACBYTES, nonce, key)) {
          return 2;
        }
      }
      double open = (cpu_seconds() - start) / iterations;
      if (seal < best_seal) best_seal = seal;
      if (open < best_open) best_open = open;
    }
    printf("%zu %.0f %.0f\n", size, size / best_seal / 1e6, size / best_open / 1e6);
    free(message);
    free(box);
  }
  return 0;
}
