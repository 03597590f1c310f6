# unit tests of the smtp layer (add test programs to UNIT_TESTS)
