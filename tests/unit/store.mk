# unit tests of the store layer (add test programs to UNIT_TESTS)
UNIT_TESTS += unit/test_store
unit_test_store_SOURCES = unit/test_store.c
