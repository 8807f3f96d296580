/* escape_raw: the raw preview1 errno of every way out of the preopen at fd 3 (open with and
   without following, create, stat, mkdir, unlink, symlink), for comparison across hosts.  The
   directory is expected to hold: sub/inner, link-out -> .., abs-link -> /etc/passwd,
   loop -> loop, in-link -> sub, dangling-out -> ../nothing. */
#include <stdio.h>
#include <wasi/api.h>
#define ALL ((__wasi_rights_t)0x3fffffff)
#define P(label, expr) printf("%-36s %d\n", label, (int)(expr))
int main(void) {
    __wasi_fd_t fd;
    __wasi_filestat_t st;
    const char *paths[] = {"../secret", "..", "/etc/passwd", "link-out/secret", "abs-link", "loop", "sub/../../secret", "in-link/inner", "dangling-out", 0};
    for (int i = 0; paths[i]; i++) {
        printf("%s: open=%d", paths[i], __wasi_path_open(3, 1, paths[i], 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
        printf(" open-nofollow=%d", __wasi_path_open(3, 0, paths[i], 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
        printf(" creat=%d", __wasi_path_open(3, 1, paths[i], 1, ALL, 0, 0, &fd));
        printf(" stat=%d", __wasi_path_filestat_get(3, 1, paths[i], &st));
        printf(" mkdir=%d", __wasi_path_create_directory(3, paths[i]));
        printf(" unlink=%d\n", __wasi_path_unlink_file(3, paths[i]));
    }
    P("symlink abs", __wasi_path_symlink("/etc/passwd", 3, "newabs"));
    P("symlink rel-out", __wasi_path_symlink("../secret", 3, "newrel"));
    P("open newrel", __wasi_path_open(3, 1, "newrel", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    P("path empty", __wasi_path_open(3, 1, "", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
    return 0;
}
