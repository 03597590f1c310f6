# lib/cf: the sendmail.cf reader
