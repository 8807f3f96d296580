/* probe: raw wasi_snapshot_preview1 calls on edge cases, printing each errno number, so two
   hosts can be compared call by call.  Expects an empty writable preopen at fd 3. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define ALL ((__wasi_rights_t)0x3fffffff)
#define P(label, expr) printf("%-36s %d\n", label, (int)(expr))

static __wasi_fd_t open_at(const char *path, __wasi_oflags_t oflags, __wasi_rights_t rights,
                           __wasi_fdflags_t fdflags, __wasi_errno_t *err) {
    __wasi_fd_t fd = (__wasi_fd_t)-1;
    *err = __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights, ALL,
                            fdflags, &fd);
    return fd;
}

int main(void) {
    __wasi_errno_t e;
    char buf[256];
    __wasi_size_t n = 0;
    __wasi_filesize_t off = 0;
    __wasi_prestat_t pre;

    P("prestat fd3", __wasi_fd_prestat_get(3, &pre));
    P("prestat stdin", __wasi_fd_prestat_get(0, &pre));
    P("prestat bad", __wasi_fd_prestat_get(99, &pre));
    P("prestat_dir_name short", __wasi_fd_prestat_dir_name(3, (uint8_t *)buf, 0));
    P("random_get 0", __wasi_random_get((uint8_t *)buf, 0));
    P("sched_yield", __wasi_sched_yield());

    P("mkdir d", __wasi_path_create_directory(3, "d"));
    P("mkdir d again", __wasi_path_create_directory(3, "d"));
    P("mkdir missing/x", __wasi_path_create_directory(3, "missing/x"));
    __wasi_fd_t f = open_at("d/f", __WASI_OFLAGS_CREAT, ALL, 0, &e);
    P("open creat d/f", e);
    open_at("d/f", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, ALL, 0, &e);
    P("open excl existing", e);
    open_at("d/f", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, 0, &e);
    P("open file as dir", e);
    open_at("d/f/", 0, __WASI_RIGHTS_FD_READ, 0, &e);
    P("open file/ trailing slash", e);
    open_at("d/f/x", 0, __WASI_RIGHTS_FD_READ, 0, &e);
    P("open through file", e);
    open_at("nope", 0, __WASI_RIGHTS_FD_READ, 0, &e);
    P("open missing", e);
    open_at("d", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, &e);
    P("open dir for write", e);
    open_at("d", __WASI_OFLAGS_DIRECTORY, ALL, 0, &e);
    P("open dir with write rights", e);
    __wasi_fd_t d = open_at("d", __WASI_OFLAGS_DIRECTORY, ALL & ~(__WASI_RIGHTS_FD_WRITE |
        __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE), 0, &e);
    P("open dir", e);

    __wasi_ciovec_t out = {(const uint8_t *)"hello world", 11};
    P("write", __wasi_fd_write(f, &out, 1, &n));
    P("  written", n);
    P("seek negative", __wasi_fd_seek(f, -1, __WASI_WHENCE_SET, &off));
    P("seek set 6", __wasi_fd_seek(f, 6, __WASI_WHENCE_SET, &off));
    P("  offset", (int)off);
    P("tell", __wasi_fd_tell(f, &off));
    P("  offset", (int)off);
    __wasi_iovec_t in = {(uint8_t *)buf, sizeof buf};
    P("read", __wasi_fd_read(f, &in, 1, &n));
    P("  nread", n);
    P("pread at 100", __wasi_fd_pread(f, &in, 1, 100, &n));
    P("  nread", n);
    P("set_size 3", __wasi_fd_filestat_set_size(f, 3));
    __wasi_filestat_t st;
    P("filestat", __wasi_fd_filestat_get(f, &st));
    P("  size", (int)st.size);
    P("  type", st.filetype);
    P("  nlink", (int)st.nlink);
    P("set_times both atim flags", __wasi_fd_filestat_set_times(f, 1, 1,
        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    P("set_times ok", __wasi_fd_filestat_set_times(f, 1000000000, 2000000000,
        __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    P("path_filestat", __wasi_path_filestat_get(3, 0, "d/f", &st));
    P("  mtim s", (int)(st.mtim / 1000000000));
    P("advise ok", __wasi_fd_advise(f, 0, 0, __WASI_ADVICE_NORMAL));
    P("datasync", __wasi_fd_datasync(f));
    P("sync", __wasi_fd_sync(f));
    __wasi_fdstat_t fs;
    P("fdstat file", __wasi_fd_fdstat_get(f, &fs));
    P("  type", fs.fs_filetype);
    P("  flags", fs.fs_flags);
    P("fdstat dir", __wasi_fd_fdstat_get(d, &fs));
    P("  type", fs.fs_filetype);
    P("set_flags append", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND));
    P("fdstat after", __wasi_fd_fdstat_get(f, &fs));
    P("  flags", fs.fs_flags);

    P("readdir on file", __wasi_fd_readdir(f, (uint8_t *)buf, sizeof buf, 0, &n));
    P("readdir dir", __wasi_fd_readdir(d, (uint8_t *)buf, sizeof buf, 0, &n));
    P("  bufused>0", n > 0);
    P("readdir cookie past end", __wasi_fd_readdir(d, (uint8_t *)buf, sizeof buf, 1000, &n));
    P("  bufused", n);
    P("seek on dir", __wasi_fd_seek(d, 0, __WASI_WHENCE_CUR, &off));
    P("tell on dir", __wasi_fd_tell(d, &off));
    P("read on dir", __wasi_fd_read(d, &in, 1, &n));
    P("pread on dir", __wasi_fd_pread(d, &in, 1, 0, &n));
    P("write on dir", __wasi_fd_write(d, &out, 1, &n));
    P("set_size on dir", __wasi_fd_filestat_set_size(d, 0));
    P("filestat on dir", __wasi_fd_filestat_get(d, &st));
    P("  type", st.filetype);
    P("mkdir under file fd", __wasi_path_create_directory(f, "x"));
    P("path_filestat under file fd", __wasi_path_filestat_get(f, 0, "x", &st));
    P("seek on stdout", __wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &off));
    P("read on stdout", __wasi_fd_read(1, &in, 1, &n));
    P("write on stdin", __wasi_fd_write(0, &out, 1, &n));
    P("tell on stdin", __wasi_fd_tell(0, &off));
    P("pwrite on stdout", __wasi_fd_pwrite(1, &out, 1, 0, &n));
    P("advise on stdout", __wasi_fd_advise(1, 0, 0, __WASI_ADVICE_NORMAL));
    P("allocate on stdout", __wasi_fd_allocate(1, 0, 1));
    P("readdir on stdout", __wasi_fd_readdir(1, (uint8_t *)buf, sizeof buf, 0, &n));
    P("open under stdin", __wasi_path_open(0, 0, "x", 0, ALL, ALL, 0, &f));

    P("link", __wasi_path_link(3, 0, "d/f", 3, "d/g"));
    P("link exists", __wasi_path_link(3, 0, "d/f", 3, "d/g"));
    P("link dir", __wasi_path_link(3, 0, "d", 3, "d2"));
    P("symlink", __wasi_path_symlink("f", 3, "d/s"));
    P("symlink exists", __wasi_path_symlink("f", 3, "d/s"));
    P("readlink", __wasi_path_readlink(3, "d/s", (uint8_t *)buf, sizeof buf, &n));
    P("  len", n);
    P("readlink short buf", __wasi_path_readlink(3, "d/s", (uint8_t *)buf, 0, &n));
    P("  len", n);
    P("readlink not link", __wasi_path_readlink(3, "d/f", (uint8_t *)buf, sizeof buf, &n));
    P("stat nofollow link", __wasi_path_filestat_get(3, 0, "d/s", &st));
    P("  type", st.filetype);
    P("stat follow link", __wasi_path_filestat_get(3, 1, "d/s", &st));
    P("  type", st.filetype);
    P("rename", __wasi_path_rename(3, "d/g", 3, "d/h"));
    P("rename missing", __wasi_path_rename(3, "d/g", 3, "d/i"));
    P("rename file over dir", __wasi_path_rename(3, "d/h", 3, "d"));
    P("rmdir nonempty", __wasi_path_remove_directory(3, "d"));
    P("rmdir file", __wasi_path_remove_directory(3, "d/h"));
    P("unlink dir", __wasi_path_unlink_file(3, "d"));
    P("unlink missing", __wasi_path_unlink_file(3, "d/zz"));
    P("unlink h", __wasi_path_unlink_file(3, "d/h"));
    P("unlink s", __wasi_path_unlink_file(3, "d/s"));

    P("renumber bad", __wasi_fd_renumber(f, 77));
    P("close f", __wasi_fd_close(f));
    P("close f again", __wasi_fd_close(f));
    P("write closed", __wasi_fd_write(f, &out, 1, &n));
    P("close d", __wasi_fd_close(d));
    P("unlink f", __wasi_path_unlink_file(3, "d/f"));
    P("rmdir d", __wasi_path_remove_directory(3, "d"));

    P("sock_shutdown stdout", __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR));
    P("sock_shutdown bad", __wasi_sock_shutdown(77, __WASI_SDFLAGS_WR));
    P("sock_accept stdin", __wasi_sock_accept(0, 0, &f));

    __wasi_subscription_t sub[2];
    __wasi_event_t ev[2];
    memset(sub, 0, sizeof sub);
    sub[0].userdata = 42;
    sub[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    sub[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub[0].u.u.clock.timeout = 1000000;
    P("poll clock", __wasi_poll_oneoff(sub, ev, 1, &n));
    P("  nevents", n);
    P("  userdata", (int)ev[0].userdata);
    P("  type", ev[0].type);
    P("  error", ev[0].error);
    sub[1].userdata = 7;
    sub[1].u.tag = __WASI_EVENTTYPE_FD_WRITE;
    sub[1].u.u.fd_write.file_descriptor = 1;
    P("poll stdout + clock", __wasi_poll_oneoff(sub, ev, 2, &n));
    P("  nevents", n);
    P("  first userdata", (int)ev[0].userdata);
    P("poll zero subs", __wasi_poll_oneoff(sub, ev, 0, &n));
    return 0;
}
