# unit tests of lib/cf and lib/addr
UNIT_TESTS += unit/test_cf_reader unit/test_addr_token
unit_test_cf_reader_SOURCES = unit/test_cf_reader.c
unit_test_addr_token_SOURCES = unit/test_addr_token.c
