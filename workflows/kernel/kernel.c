// Compute kernels for comparing Chicory with V8 (scripts/bench-engine.sh). No libc, no imports.
//
// Each exported kernel takes a repeat count and returns a checksum, so that both runtimes
// can be checked to compute the same thing. The module is also a valid ABI v1 workflow with
// nothing to say: `run` computes one round of each kernel.
#include <stdint.h>

#define EXPORT(name) __attribute__((export_name(name)))

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define DATA_LEN (64 * 1024)
static uint8_t data[DATA_LEN];

// The SHA-256 compression function over a 64 KiB buffer, `rounds` times.
EXPORT("sha256") uint32_t sha256(int rounds) {
  for (int i = 0; i < DATA_LEN; i++) data[i] = (uint8_t)(i * 31 + 7);
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (int r = 0; r < rounds; r++) {
    for (int off = 0; off < DATA_LEN; off += 64) {
      uint32_t w[64];
      for (int t = 0; t < 16; t++) {
        const uint8_t *p = data + off + 4 * t;
        w[t] = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
      }
      for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
      }
      uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (int t = 0; t < 64; t++) {
        uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
  }
  return h[0] ^ h[7];
}

// The Mandelbrot set on a 256x256 grid, at most 200 iterations a point, `rounds` times.
EXPORT("mandelbrot") uint32_t mandelbrot(int rounds) {
  uint32_t inside = 0;
  for (int r = 0; r < rounds; r++) {
    for (int y = 0; y < 256; y++) {
      for (int x = 0; x < 256; x++) {
        double cr = -2.0 + x * (3.0 / 256), ci = -1.5 + y * (3.0 / 256), zr = 0, zi = 0;
        int i = 0;
        while (i < 200 && zr * zr + zi * zi <= 4.0) {
          double t = zr * zr - zi * zi + cr;
          zi = 2 * zr * zi + ci;
          zr = t;
          i++;
        }
        inside += i;
      }
    }
  }
  return inside;
}

#define SORT_LEN (256 * 1024)
static uint32_t values[SORT_LEN];

static void quicksort(uint32_t *v, int lo, int hi) {
  while (lo < hi) {
    uint32_t pivot = v[lo + (hi - lo) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) { uint32_t t = v[i]; v[i] = v[j]; v[j] = t; i++; j--; }
    }
    if (j - lo < hi - i) { quicksort(v, lo, j); lo = i; } else { quicksort(v, i, hi); hi = j; }
  }
}

// Quicksort of 256 Ki pseudo-random integers (xorshift), `rounds` times.
EXPORT("sort") uint32_t sort(int rounds) {
  uint32_t x = 2463534242u, check = 0;
  for (int r = 0; r < rounds; r++) {
    for (int i = 0; i < SORT_LEN; i++) {
      x ^= x << 13; x ^= x >> 17; x ^= x << 5;
      values[i] = x;
    }
    quicksort(values, 0, SORT_LEN - 1);
    check += values[0] ^ values[SORT_LEN / 2] ^ values[SORT_LEN - 1];
  }
  return check;
}

EXPORT("mvmci_abi_v1") void mvmci_abi_v1(void) {}

EXPORT("run") void run(void) {
  sha256(1);
  mandelbrot(1);
  sort(1);
}
