/* main: mailboxd's master process.  Reads the configuration, binds the
 * IMAP (143/993), POP3 (110/995) and LMTP (port or unix socket)
 * listeners while still root, then forks one connection process per
 * client (login.c) and reaps them.  Started by an init script or by the
 * tests with -F. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "io/net.h"
#include "io/tls.h"
#include "store/store.h"
#include "mailboxd.h"

struct bound {
	int fd;
	enum proto proto;
	int ssl;
};

static volatile sig_atomic_t got_term, got_child;
static pid_t *children;
static size_t nchildren, capchildren;

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void
on_child(int sig)
{
	(void)sig;
	got_child = 1;
}

static void
usage(void)
{
	fprintf(stderr, "usage: mailboxd [-F] [-c config] [-o key=value] [-n]\n");
	exit(EX_USAGE);
}

static void
add_child(pid_t p)
{
	if (nchildren == capchildren) {
		capchildren = capchildren ? capchildren * 2 : 64;
		children = xreallocarray(children, capchildren, sizeof(pid_t));
	}
	children[nchildren++] = p;
}

static void
reap(void)
{
	pid_t p;
	size_t i;

	while ((p = waitpid(-1, NULL, WNOHANG)) > 0) {
		for (i = 0; i < nchildren; i++)
			if (children[i] == p) {
				children[i] = children[--nchildren];
				break;
			}
	}
}

static void
bind_one(struct bound **b, size_t *n, const struct listener_conf *l, const char *addr,
    const struct mbconf *c)
{
	dstr err = DSTR_INIT;
	int fd;

	if (l->path) {
		dstr path = DSTR_INIT;

		if (l->path[0] == '/')
			dstr_set(&path, l->path);
		else
			dstr_printf(&path, "%s/%s", c->base_dir, l->path);
		(void)mkdir(c->base_dir, 0755);
		fd = net_listen_unix(path.s, l->mode ? l->mode : 0666, 64, &err);
		if (fd < 0)
			msg_fatal(EX_OSERR, "cannot listen on %s", dstr_cstr(&err));
		msg_info("listening for lmtp on %s", path.s);
		dstr_free(&path);
	} else {
		fd = net_listen_tcp(addr, l->port, 64, &err);
		if (fd < 0)
			msg_fatal(EX_OSERR, "cannot listen: %s", dstr_cstr(&err));
		msg_info("listening for %s%s on %s port %d",
		    l->proto == PROTO_IMAP ? "imap" : l->proto == PROTO_POP3 ? "pop3" : "lmtp",
		    l->ssl ? " (TLS)" : "", addr ? addr : "*", l->port);
	}
	*b = xreallocarray(*b, *n + 1, sizeof(**b));
	(*b)[*n].fd = fd;
	(*b)[*n].proto = l->proto;
	(*b)[*n].ssl = l->ssl;
	(*n)++;
	dstr_free(&err);
}

static void
default_listeners(struct mbconf *c)
{
	static const struct {
		enum proto p;
		int port, ssl;
	} defs[] = {
		{ PROTO_IMAP, 143, 0 }, { PROTO_IMAP, 993, 1 },
		{ PROTO_POP3, 110, 0 }, { PROTO_POP3, 995, 1 },
	};
	size_t i, k;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		int have = 0;

		for (k = 0; k < c->nlisteners; k++)
			if (c->listeners[k].proto == defs[i].p && c->listeners[k].ssl == defs[i].ssl)
				have = 1;
		if (!have) {
			struct listener_conf *l;

			c->listeners = xreallocarray(c->listeners, c->nlisteners + 1, sizeof(*l));
			l = &c->listeners[c->nlisteners++];
			memset(l, 0, sizeof(*l));
			l->proto = defs[i].p;
			l->port = defs[i].port;
			l->ssl = defs[i].ssl;
		}
	}
	for (k = 0; k < c->nlisteners; k++)
		if (c->listeners[k].proto == PROTO_LMTP)
			return;
	c->listeners = xreallocarray(c->listeners, c->nlisteners + 1, sizeof(*c->listeners));
	memset(&c->listeners[c->nlisteners], 0, sizeof(*c->listeners));
	c->listeners[c->nlisteners].proto = PROTO_LMTP;
	c->listeners[c->nlisteners].path = xstrdup("lmtp");
	c->listeners[c->nlisteners].mode = 0666;
	c->nlisteners++;
}

int
main(int argc, char **argv)
{
	const char *conf_path = MAILBOXD_CONFIG;
	struct mbconf c;
	struct bound *b = NULL;
	size_t nb = 0, i, k;
	tls_ctx *tlsctx = NULL;
	dstr err = DSTR_INIT;
	int foreground = 0, check_only = 0, ch;
	char **overrides = NULL;
	size_t nover = 0;
	struct sigaction sa;

	while ((ch = getopt(argc, argv, "Fc:o:n")) != -1) {
		switch (ch) {
		case 'F':
			foreground = 1;
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'o':
			overrides = xreallocarray(overrides, nover + 1, sizeof(char *));
			overrides[nover++] = optarg;
			break;
		case 'n':
			check_only = 1;
			break;
		default:
			usage();
		}
	}
	log_open("mailboxd", LOG_TO_SYSLOG | (foreground ? LOG_TO_STDERR : 0), NULL);
	mbconf_defaults(&c);
	if (mbconf_load(conf_path, &c, &err) < 0)
		msg_fatal(EX_CONFIG, "%s", dstr_cstr(&err));
	for (i = 0; i < nover; i++) {
		char *eq = strchr(overrides[i], '=');

		if (eq == NULL)
			usage();
		*eq = '\0';
		if (mbconf_set(&c, overrides[i], eq + 1, &err) < 0)
			msg_fatal(EX_CONFIG, "%s", dstr_cstr(&err));
	}
	if (c.log_path && getenv("SENDWELL_LOG_FILE") == NULL)
		log_open("mailboxd", LOG_TO_FILE | (foreground ? LOG_TO_STDERR : 0), c.log_path);
	{
		store_user *u = store_user_new(c.mail_location, "test", "/nonexistent", &err);

		if (u == NULL)
			msg_fatal(EX_CONFIG, "mail_location: %s", dstr_cstr(&err));
		store_user_free(u);
	}
	if (auth_init(&c, &err) < 0)
		msg_fatal(EX_CONFIG, "%s", dstr_cstr(&err));
	if (c.ssl != SSL_MODE_NO) {
		if (c.ssl_cert == NULL) {
			if (c.ssl == SSL_MODE_REQUIRED)
				msg_fatal(EX_CONFIG, "ssl = required but no ssl_cert is set");
			msg_warn("ssl = yes but no ssl_cert is set: TLS disabled");
			c.ssl = SSL_MODE_NO;
		} else {
			struct tls_settings ts;

			memset(&ts, 0, sizeof(ts));
			ts.cert_file = c.ssl_cert;
			ts.key_file = c.ssl_key;
			ts.ca_file = c.ssl_ca;
			ts.dh_file = c.ssl_dh;
			ts.ciphers = c.ssl_cipher_list;
			ts.min_version = c.ssl_min_protocol;
			tlsctx = tls_server_ctx_new(&ts, &err);
			if (tlsctx == NULL)
				msg_fatal(EX_CONFIG, "TLS: %s", dstr_cstr(&err));
		}
	}
	if (c.ssl == SSL_MODE_REQUIRED)
		c.disable_plaintext_auth = 1;
	if (check_only) {
		printf("configuration %s is valid\n", conf_path);
		return 0;
	}
	default_listeners(&c);
	for (k = 0; k < c.nlisteners; k++) {
		const struct listener_conf *l = &c.listeners[k];

		if (!(c.protocols & l->proto) || (l->path == NULL && l->port == 0))
			continue;
		if (l->ssl && tlsctx == NULL)
			continue;
		if (l->path || l->address)
			bind_one(&b, &nb, l, l->address, &c);
		else if (c.nlisten == 0)
			bind_one(&b, &nb, l, "*", &c);
		else
			for (i = 0; i < c.nlisten; i++)
				bind_one(&b, &nb, l, c.listen[i], &c);
	}
	if (nb == 0)
		msg_fatal(EX_CONFIG, "no listeners: check protocols and service ports");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!foreground) {
		pid_t p = fork();

		if (p < 0)
			msg_fatal(EX_OSERR, "fork: %s", strerror(errno));
		if (p > 0)
			_exit(0);
		(void)setsid();
		(void)!freopen("/dev/null", "r", stdin);
		(void)!freopen("/dev/null", "w", stdout);
		(void)!freopen("/dev/null", "w", stderr);
	}
	{
		dstr pidf = DSTR_INIT;
		FILE *f;

		dstr_printf(&pidf, "%s/master.pid", c.base_dir);
		if ((f = fopen(pidf.s, "w")) != NULL) {
			fprintf(f, "%ld\n", (long)getpid());
			fclose(f);
		}
		dstr_free(&pidf);
	}
	msg_info("mailboxd starting up for%s%s%s", c.protocols & PROTO_IMAP ? " imap" : "",
	    c.protocols & PROTO_POP3 ? " pop3" : "", c.protocols & PROTO_LMTP ? " lmtp" : "");
	while (!got_term) {
		struct pollfd *p = xcalloc(nb, sizeof(*p));
		int r;

		for (i = 0; i < nb; i++) {
			p[i].fd = b[i].fd;
			p[i].events = POLLIN;
		}
		r = poll(p, nb, 1000);
		if (got_child) {
			got_child = 0;
			reap();
		}
		for (i = 0; r > 0 && i < nb; i++) {
			int fd;
			pid_t pid;

			if (!(p[i].revents & POLLIN))
				continue;
			fd = accept4(b[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd < 0)
				continue;
			pid = fork();
			if (pid == 0) {
				size_t j;

				for (j = 0; j < nb; j++)
					close(b[j].fd);
				sa.sa_handler = SIG_DFL;
				sigaction(SIGTERM, &sa, NULL);
				sigaction(SIGINT, &sa, NULL);
				sigaction(SIGCHLD, &sa, NULL);
				login_connection(&c, b[i].proto, fd, b[i].ssl, tlsctx);
				_exit(0);
			}
			if (pid > 0)
				add_child(pid);
			else
				msg_warn("fork: %s", strerror(errno));
			close(fd);
		}
		free(p);
	}
	msg_info("mailboxd shutting down");
	for (i = 0; i < nchildren; i++)
		kill(children[i], SIGTERM);
	for (i = 0; i < nb; i++)
		close(b[i].fd);
	dstr_free(&err);
	return 0;
}
