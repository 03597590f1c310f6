# unit tests of the io layer (add test programs to UNIT_TESTS)
