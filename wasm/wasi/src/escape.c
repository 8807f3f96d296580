/* escape: try every way out of the preopened directory argv[1] and report each result; a correct
   sandbox refuses all of them (the program never touches anything it is refused). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[512];
static const char *at(const char *base, const char *rel) {
    snprintf(buf, sizeof buf, "%s/%s", base, rel);
    return buf;
}

#define TRY(label, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%-32s %s\n", label, r_ < 0 ? "refused" : "ALLOWED"); } while (0)

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *d = argv[1];
    struct stat st;
    TRY("open ../secret", open(at(d, "../secret"), O_RDONLY));
    TRY("open sub/../../secret", open(at(d, "sub/../../secret"), O_RDONLY));
    TRY("stat ..", stat(at(d, ".."), &st));
    TRY("open link-out/secret", open(at(d, "link-out/secret"), O_RDONLY));
    TRY("open abs-link", open(at(d, "abs-link"), O_RDONLY));
    TRY("stat abs-link (follow)", stat(at(d, "abs-link"), &st));
    TRY("create through link-out", open(at(d, "link-out/created"), O_CREAT | O_WRONLY, 0644));
    TRY("mkdir ../made", mkdir(at(d, "../made"), 0755));
    TRY("unlink ../secret", unlink(at(d, "../secret")));
    TRY("rename into ..", rename(at(d, "sub/inner"), at(d, "../moved")));
    TRY("symlink to /etc/passwd", symlink("/etc/passwd", at(d, "new-abs-link")));
    TRY("link ../secret", link(at(d, "../secret"), at(d, "hard")));
    TRY("opendir ..", opendir(at(d, "..")) ? 0 : -1);
    TRY("open /etc/passwd", open("/etc/passwd", O_RDONLY));
    TRY("open loop", open(at(d, "loop"), O_RDONLY));
    TRY("open sub/inner (allowed)", open(at(d, "sub/inner"), O_RDONLY));
    TRY("open in-link/inner (allowed)", open(at(d, "in-link/inner"), O_RDONLY));
    return 0;
}
