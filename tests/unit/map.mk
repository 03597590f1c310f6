# unit tests of the map layer (add test programs to UNIT_TESTS)
UNIT_TESTS += unit/test_map
unit_test_map_SOURCES = unit/test_map.c
