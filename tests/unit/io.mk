# unit tests of the io layer (add test programs to UNIT_TESTS)
UNIT_TESTS += unit/test_io
unit_test_io_SOURCES = unit/test_io.c
