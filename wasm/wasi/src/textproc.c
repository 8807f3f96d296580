/* textproc: read all of stdin, print line/word/byte counts, the five most frequent words
   (ties by name), and every line containing argv[1] (if given) with its number, upper-cased.
   Exits 1 when a pattern was given and never matched (grep's convention). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct word { char *text; int count; };

static int by_count(const void *a, const void *b) {
    const struct word *x = a, *y = b;
    if (x->count != y->count) return y->count - x->count;
    return strcmp(x->text, y->text);
}

int main(int argc, char **argv) {
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    size_t n;
    while ((n = fread(text + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap) text = realloc(text, cap *= 2);
    }
    text = realloc(text, len + 1);
    text[len] = 0;

    long lines = 0, words = 0;
    struct word *table = NULL;
    size_t nwords = 0, wcap = 0;
    for (size_t i = 0; i < len;) {
        if (text[i] == '\n') lines++;
        if (!isalnum((unsigned char)text[i])) { i++; continue; }
        size_t start = i;
        while (i < len && isalnum((unsigned char)text[i])) i++;
        words++;
        char *w = strndup(text + start, i - start);
        for (char *p = w; *p; p++) *p = tolower((unsigned char)*p);
        size_t k;
        for (k = 0; k < nwords && strcmp(table[k].text, w); k++) {}
        if (k < nwords) { table[k].count++; free(w); continue; }
        if (nwords == wcap) table = realloc(table, (wcap = wcap ? wcap * 2 : 16) * sizeof *table);
        table[nwords].text = w;
        table[nwords++].count = 1;
    }
    printf("lines=%ld words=%ld bytes=%zu distinct=%zu\n", lines, words, len, nwords);
    qsort(table, nwords, sizeof *table, by_count);
    for (size_t k = 0; k < nwords && k < 5; k++) printf("  %s %d\n", table[k].text, table[k].count);

    int matched = 0;
    if (argc > 1) {
        long number = 1;
        for (char *line = text; *line; number++) {
            char *end = strchr(line, '\n');
            size_t size = end ? (size_t)(end - line) : strlen(line);
            char *copy = strndup(line, size);
            if (strstr(copy, argv[1])) {
                for (char *p = copy; *p; p++) *p = toupper((unsigned char)*p);
                printf("%ld: %s\n", number, copy);
                matched++;
            }
            free(copy);
            if (!end) break;
            line = end + 1;
        }
        fprintf(stderr, "%d matching lines\n", matched);
        return matched ? 0 : 1;
    }
    return 0;
}
