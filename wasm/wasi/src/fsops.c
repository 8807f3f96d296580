/* fsops: one pass over the mutating file operations inside the directory given as argv[1]
   (mkdir, create, write, pwrite/pread, lseek, ftruncate, link, symlink, readlink, rename,
   utimensat, unlink, rmdir), printing each result and errno name, so a run under our host can
   be compared line by line with the same run under another WASI runtime. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path_buf[4][512];
static const char *at(int slot, const char *base, const char *name) {
    snprintf(path_buf[slot], sizeof path_buf[slot], "%s/%s", base, name);
    return path_buf[slot];
}

#define SHOW(label, expr) do { errno = 0; long r_ = (long)(expr); \
    printf("%-28s -> %ld%s%s\n", label, r_, r_ < 0 ? " " : "", r_ < 0 ? strerror(errno) : ""); \
} while (0)

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: fsops DIR\n"); return 2; }
    const char *d = argv[1];
    char buf[64];
    struct stat st;
    SHOW("mkdir sub", mkdir(at(0, d, "sub"), 0755));
    SHOW("mkdir sub again", mkdir(at(0, d, "sub"), 0755));
    int fd = open(at(0, d, "sub/a.txt"), O_CREAT | O_EXCL | O_RDWR, 0644);
    SHOW("open creat excl", fd >= 0);
    SHOW("open creat excl again", open(at(0, d, "sub/a.txt"), O_CREAT | O_EXCL | O_RDWR, 0644));
    SHOW("write", write(fd, "hello, world\n", 13));
    SHOW("pwrite at 7", pwrite(fd, "WASI!", 5, 7));
    SHOW("lseek cur", lseek(fd, 0, SEEK_CUR));
    memset(buf, 0, sizeof buf);
    SHOW("pread 0..13", pread(fd, buf, 13, 0));
    printf("  content=%s", buf);
    SHOW("lseek end", lseek(fd, 0, SEEK_END));
    SHOW("lseek negative", lseek(fd, -100, SEEK_SET));
    SHOW("ftruncate 5", ftruncate(fd, 5));
    SHOW("fstat size", fstat(fd, &st) == 0 ? st.st_size : -1);
    SHOW("close", close(fd));
    SHOW("close again", close(fd));
    SHOW("read from bad fd", read(fd, buf, 1));
    SHOW("link", link(at(0, d, "sub/a.txt"), at(1, d, "sub/b.txt")));
    SHOW("stat nlink", stat(at(0, d, "sub/a.txt"), &st) == 0 ? (long)st.st_nlink : -1);
    SHOW("symlink", symlink("a.txt", at(0, d, "sub/c.lnk")));
    memset(buf, 0, sizeof buf);
    SHOW("readlink", readlink(at(0, d, "sub/c.lnk"), buf, sizeof buf - 1));
    printf("  target=%s\n", buf);
    SHOW("stat via symlink size", stat(at(0, d, "sub/c.lnk"), &st) == 0 ? st.st_size : -1);
    SHOW("lstat is link", lstat(at(0, d, "sub/c.lnk"), &st) == 0 ? S_ISLNK(st.st_mode) : -1);
    SHOW("open nofollow on link", open(at(0, d, "sub/c.lnk"), O_RDONLY | O_NOFOLLOW));
    SHOW("rename b -> d", rename(at(0, d, "sub/b.txt"), at(1, d, "sub/d.txt")));
    SHOW("stat old name", stat(at(0, d, "sub/b.txt"), &st));
    struct timespec times[2] = {{1000000000, 5}, {1200000000, 7}};
    SHOW("utimensat", utimensat(AT_FDCWD, at(0, d, "sub/d.txt"), times, 0));
    SHOW("mtime", stat(at(0, d, "sub/d.txt"), &st) == 0 ? (long)st.st_mtim.tv_sec : -1);
    SHOW("open dir for write", open(at(0, d, "sub"), O_WRONLY));
    SHOW("open file as dir", open(at(0, d, "sub/a.txt"), O_RDONLY | O_DIRECTORY));
    SHOW("open missing", open(at(0, d, "sub/missing"), O_RDONLY));
    SHOW("rmdir non-empty", rmdir(at(0, d, "sub")));
    SHOW("unlink dir", unlink(at(0, d, "sub")));
    SHOW("mkdir sub/e", mkdir(at(0, d, "sub/e"), 0755));
    DIR *dir = opendir(at(0, d, "sub"));
    int entries = 0;
    while (dir && readdir(dir)) entries++;
    if (dir) closedir(dir);
    SHOW("readdir count", entries);
    SHOW("unlink a", unlink(at(0, d, "sub/a.txt")));
    SHOW("unlink c.lnk", unlink(at(0, d, "sub/c.lnk")));
    SHOW("unlink d", unlink(at(0, d, "sub/d.txt")));
    SHOW("rmdir e", rmdir(at(0, d, "sub/e")));
    SHOW("rmdir sub", rmdir(at(0, d, "sub")));
    SHOW("stat sub", stat(at(0, d, "sub"), &st));
    return 0;
}
