# unit tests of lib/base
UNIT_TESTS += unit/test_dstr unit/test_pool
unit_test_dstr_SOURCES = unit/test_dstr.c
unit_test_pool_SOURCES = unit/test_pool.c
