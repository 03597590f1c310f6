# lib/map: the K-line map layer: the framework and one file per class.
libsendwell_a_SOURCES += \
	map/map.h map/map_impl.h map/map.c \
	map/dns.h map/dns.c map/service_switch.c \
	map/alias_file.h map/alias_file.c \
	map/map_db.c map/map_text.c map/map_host.c map/map_dequote.c \
	map/map_macro.c map/map_arith.c map/map_seq.c map/map_stab.c \
	map/map_user.c map/map_regex.c map/map_program.c map/map_syslog.c \
	map/map_implicit.c map/map_socket.c map/map_null.c map/map_arpa.c
