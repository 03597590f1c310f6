# unit tests of the map layer (add test programs to UNIT_TESTS)
