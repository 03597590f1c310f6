# lib/io: buffered streams, TLS (OpenSSL 3), the Cyrus SASL server and
# client wrappers, base64 and sockets; depends on lib/base only.
libsendwell_a_SOURCES += \
	io/stream.c io/stream.h \
	io/tls.c io/tls.h \
	io/saslsrv.c io/saslsrv.h \
	io/saslcli.c io/saslcli.h \
	io/base64.c io/base64.h \
	io/net.c io/net.h
