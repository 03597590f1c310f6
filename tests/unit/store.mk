# unit tests of the store layer (add test programs to UNIT_TESTS)
