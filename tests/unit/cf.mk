# unit tests of the cf layer (add test programs to UNIT_TESTS)
