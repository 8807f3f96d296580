/* clockrand: clocks, sleeping and randomness.  Without arguments it prints only facts that hold
   on any correct WASI host (so the output can be compared across runtimes); with "--values" it
   also prints the raw readings, which are reproducible under a deterministic host. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long ns(struct timespec t) { return t.tv_sec * 1000000000LL + t.tv_nsec; }

int main(int argc, char **argv) {
    int values = argc > 1 && !strcmp(argv[1], "--values");
    clockid_t ids[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                       CLOCK_THREAD_CPUTIME_ID};
    const char *names[] = {"realtime", "monotonic", "process", "thread"};
    for (int i = 0; i < 4; i++) {
        struct timespec res, a, b;
        int r1 = clock_getres(ids[i], &res);
        int r2 = clock_gettime(ids[i], &a);
        int r3 = clock_gettime(ids[i], &b);
        printf("%s: getres=%d gettime=%d res_positive=%d nondecreasing=%d\n", names[i], r1,
               r2 | r3, ns(res) > 0, ns(b) >= ns(a));
        if (values) printf("  res=%lld first=%lld second=%lld\n", ns(res), ns(a), ns(b));
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    printf("realtime after 1999: %d\n", now.tv_sec > 915148800);

    struct timespec before, after, nap = {0, 20 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &before);
    int slept = nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &after);
    printf("nanosleep=%d slept_at_least_20ms=%d\n", slept, ns(after) - ns(before) >= 20000000);

    struct pollfd fds[1] = {{.fd = 1, .events = POLLOUT}};
    int ready = poll(fds, 1, 100);
    printf("poll stdout: ready=%d writable=%d\n", ready, (fds[0].revents & POLLOUT) != 0);
    clock_gettime(CLOCK_MONOTONIC, &before);
    ready = poll(NULL, 0, 5);
    clock_gettime(CLOCK_MONOTONIC, &after);
    printf("poll timeout: ready=%d waited_5ms=%d\n", ready, ns(after) - ns(before) >= 5000000);

    unsigned char buf[32];
    memset(buf, 0, sizeof buf);
    int r = getentropy(buf, sizeof buf);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof buf; i++) nonzero += buf[i] != 0;
    printf("getentropy=%d mostly_nonzero=%d\n", r, nonzero > 16);
    if (values) {
        printf("  random=");
        for (size_t i = 0; i < sizeof buf; i++) printf("%02x", buf[i]);
        printf("\n");
    }
    unsigned x = arc4random_uniform(1000);
    printf("arc4random_uniform in range: %d\n", x < 1000);
    if (values) printf("  arc4random_uniform=%u\n", x);
    return 0;
}
