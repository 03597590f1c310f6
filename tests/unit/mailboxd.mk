# unit tests of the mailboxd layer (add test programs to UNIT_TESTS)
