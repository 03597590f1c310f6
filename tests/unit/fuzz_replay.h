/* fuzz_replay: the unit tests' way of running a fuzz harness over saved
 * inputs (tests/fuzz/regress and the seed corpora), shared by every
 * test_*_fuzz.c. */
#ifndef SW_FUZZ_REPLAY_H
#define SW_FUZZ_REPLAY_H
#include <stddef.h>
#include <stdint.h>

typedef int (*fuzz_one_fn)(const uint8_t *, size_t);

/* fuzz_replay: fn over every file of SW_FUZZ_DIR/folder whose name starts
 * with prefix, each must return 0; returns how many ran */
int fuzz_replay(const char *folder, const char *prefix, fuzz_one_fn fn);

/* fuzz_tmpdir: a new folder $TMPDIR/name.XXXXXX (or under /tmp) into dir;
 * fuzz_tmpdir_remove: it and all it holds */
void fuzz_tmpdir(const char *name, char *dir, size_t size);
void fuzz_tmpdir_remove(const char *dir);

#endif
