/* tree: walk a directory tree (default ".") in name order and print each entry with its kind,
   size and a checksum of file contents; then totals.  Exercises fd_readdir with cookies,
   path_open, fd_read, path_filestat_get (stat/lstat) and path_readlink. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long n_dirs, n_files, n_links, total_bytes;

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static unsigned long checksum(const char *path, long *size) {
    int fd = open(path, O_RDONLY);
    unsigned long sum = 5381;
    char buf[700];   /* odd size: several fd_read calls per file */
    ssize_t n;
    *size = 0;
    if (fd < 0) return 0;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) sum = sum * 33 + (unsigned char)buf[i];
        *size += n;
    }
    close(fd);
    return sum & 0xffffffffUL;
}

static void walk(const char *path, int depth) {
    DIR *dir = opendir(path);
    if (!dir) {
        printf("%*s!cannot open %s: %s\n", depth * 2, "", path, strerror(errno));
        return;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 8;
            names = realloc(names, cap * sizeof *names);
        }
        names[count++] = strdup(entry->d_name);
    }
    closedir(dir);
    qsort(names, count, sizeof *names, by_name);
    for (size_t i = 0; i < count; i++) {
        char child[1024];
        snprintf(child, sizeof child, "%s/%s", path, names[i]);
        struct stat st;
        if (lstat(child, &st) != 0) {
            printf("%*s%s ?(%s)\n", depth * 2, "", names[i], strerror(errno));
        } else if (S_ISLNK(st.st_mode)) {
            char target[512];
            ssize_t n = readlink(child, target, sizeof target - 1);
            target[n < 0 ? 0 : n] = 0;
            struct stat followed;
            int ok = stat(child, &followed) == 0;
            printf("%*s%s -> %s [%s]\n", depth * 2, "", names[i], target,
                   ok ? (S_ISDIR(followed.st_mode) ? "dir" : "file") : strerror(errno));
            n_links++;
        } else if (S_ISDIR(st.st_mode)) {
            printf("%*s%s/\n", depth * 2, "", names[i]);
            n_dirs++;
            walk(child, depth + 1);
        } else {
            long size;
            unsigned long sum = checksum(child, &size);
            printf("%*s%s %ld bytes sum=%08lx%s\n", depth * 2, "", names[i], size, sum,
                   size == st.st_size ? "" : " (size mismatch)");
            n_files++;
            total_bytes += size;
        }
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv) {
    const char *root = argc > 1 ? argv[1] : ".";
    struct stat st;
    if (stat(root, &st) != 0) {
        fprintf(stderr, "tree: %s: %s\n", root, strerror(errno));
        return 2;
    }
    printf("%s/\n", root);
    walk(root, 1);
    printf("%ld directories, %ld files, %ld symlinks, %ld bytes\n", n_dirs, n_files, n_links,
           total_bytes);
    return 0;
}
