# unit tests of the rules layer (add test programs to UNIT_TESTS)
