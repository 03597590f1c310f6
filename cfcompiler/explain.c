/* explain: the --explain report (see explain.h).  Every sentence is
 * written twice, English and Korean, side by side through the L()
 * macro, with the same printf arguments in the same order. */
#include "config.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "cfcompiler/cflint.h"
#include "cfcompiler/explain.h"

struct ex {
	FILE *fp;
	int lang;
	const struct cf_file *cf;
	const struct mc_scan *sc;
};

#define L(en, ko) (x->lang == EXPLAIN_KO ? (ko) : (en))

static void say(const struct ex *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
say(const struct ex *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(x->fp, fmt, ap);
	va_end(ap);
}

int
explain_lang_from(const char *s)
{
	if (s == NULL || *s == '\0')
		return -1;
	if (strncmp(s, "ko", 2) == 0 || strncmp(s, "kr", 2) == 0)
		return EXPLAIN_KO;
	if (strncmp(s, "en", 2) == 0 || strcmp(s, "C") == 0 || strncmp(s, "C.", 2) == 0 ||
	    strcmp(s, "POSIX") == 0)
		return EXPLAIN_EN;
	return -1;
}

/* ---- looking things up in the items */

static const char *
option(const struct ex *x, const char *name)
{
	const char *v = NULL;
	size_t i;

	for (i = 0; i < x->cf->nitems; i++) {
		const struct cf_item *it = &x->cf->items[i];

		if (it->kind == CF_OPTION && it->extra == NULL && strcmp(it->name, name) == 0)
			v = it->value;
	}
	return v && *v ? v : NULL;
}

static const char *
macro(const struct ex *x, const char *name)
{
	const char *v = NULL;
	size_t i;

	for (i = 0; i < x->cf->nitems; i++) {
		const struct cf_item *it = &x->cf->items[i];

		if (it->kind == CF_DEFINE && strcmp(it->name, name) == 0)
			v = it->value;
	}
	return v && *v ? v : NULL;
}

/* the words of class name (C lines), joined by spaces */
static void
class_words(const struct ex *x, const char *name, dstr *out)
{
	size_t i, k;

	for (i = 0; i < x->cf->nitems; i++) {
		const struct cf_item *it = &x->cf->items[i];

		if (it->kind != CF_CLASS || strcmp(it->name, name) != 0)
			continue;
		for (k = 0; k < it->nwords; k++)
			dstr_printf(out, "%s%s", out->len ? " " : "", it->words[k]);
	}
}

/* the i-th F line of class name, NULL after the last */
static const struct cf_item *
class_file(const struct ex *x, const char *name, size_t nth)
{
	size_t i;

	for (i = 0; i < x->cf->nitems; i++) {
		const struct cf_item *it = &x->cf->items[i];

		if (it->kind == CF_FILECLASS && strcmp(it->name, name) == 0 && nth-- == 0)
			return it;
	}
	return NULL;
}

static const struct cf_item *
find_item(const struct ex *x, int kind, const char *name)
{
	size_t i;

	for (i = 0; i < x->cf->nitems; i++)
		if (x->cf->items[i].kind == kind && strcmp(x->cf->items[i].name, name) == 0)
			return &x->cf->items[i];
	return NULL;
}

/* a mailer's field (P, A, F ...) */
static const char *
mailer_field(const struct cf_item *m, char field)
{
	size_t i;

	for (i = 0; m && i < m->nwords; i++) {
		const char *w = m->words[i];

		while (*w == ' ' || *w == '\t')
			w++;
		if (w[0] == field && w[1] == '=')
			return w + 2;
	}
	return NULL;
}

static int
feature(const struct ex *x, const char *name)
{
	return x->sc && mcscan_find(x->sc, "FEATURE", name) != NULL;
}

static int
file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* entries of a text file (lines that are not blank or comments) */
static size_t
count_entries(const char *path, int *ok)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n = 0;

	*ok = fp != NULL;
	if (fp == NULL)
		return 0;
	while (getline(&line, &cap, fp) > 0) {
		char *p = line;

		while (isspace((unsigned char)*p))
			p++;
		if (*p && *p != '#')
			n++;
	}
	free(line);
	fclose(fp);
	return n;
}

/* ---- the sections */

static const char *
port_name(const char *port)
{
	if (port == NULL || strcmp(port, "smtp") == 0 || strcmp(port, "25") == 0)
		return "25 (smtp)";
	if (strcmp(port, "submission") == 0 || strcmp(port, "587") == 0)
		return "587 (submission)";
	if (strcmp(port, "smtps") == 0 || strcmp(port, "submissions") == 0 || strcmp(port, "465") == 0)
		return "465 (smtps)";
	if (strcmp(port, "lmtp") == 0 || strcmp(port, "24") == 0)
		return "24 (lmtp)";
	return port;
}

static int
is_loopback(const char *addr)
{
	return addr && (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
	    strcmp(addr, "localhost") == 0 || strcmp(addr, "IPv6:::1") == 0);
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* one DaemonPortOptions value; returns 1 when it listens on loopback only */
static int
listener(const struct ex *x, const char *value)
{
	char *v = xstrdup(value), *save = NULL, *f;
	const char *port = NULL, *addr = NULL, *name = NULL, *mods = "", *family = "inet";
	int loop;

	for (f = strtok_r(v, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(f, '=');

		if (eq == NULL)
			continue;
		*eq = '\0';
		f = trim(f);
		switch (toupper((unsigned char)f[0])) {
		case 'P': port = trim(eq + 1); break;
		case 'A': addr = trim(eq + 1); break;
		case 'N': name = trim(eq + 1); break;
		case 'M': mods = trim(eq + 1); break;
		case 'F': family = trim(eq + 1); break;
		default: break;
		}
	}
	say(x, L("  - port %s", "  - 포트 %s"), port_name(port));
	if (addr)
		say(x, L(", only on %s", ", %s 에서만"), addr);
	else if (strcmp(family, "inet6") == 0)
		say(x, "%s", L(", on every IPv6 address", ", 모든 IPv6 주소"));
	else
		say(x, "%s", L(", on every IPv4 address", ", 모든 IPv4 주소"));
	if (name)
		say(x, L(", name %s", ", 이름 %s"), name);
	say(x, "\n");
	loop = is_loopback(addr);
	if (loop)
		say(x, "%s", L("      only programs on this machine can connect\n",
		    "      이 컴퓨터 안의 프로그램만 접속할 수 있음\n"));
	for (; *mods; mods++) {
		switch (*mods) {
		case 'a':
			say(x, "%s", L("      clients must log in (SMTP AUTH) before sending (M=a)\n",
			    "      메일을 보내기 전에 SMTP AUTH 로그인 필요 (M=a)\n"));
			break;
		case 's':
			say(x, "%s", L("      TLS from the first byte, SMTPS (M=s)\n",
			    "      접속하자마자 TLS 사용, SMTPS (M=s)\n"));
			break;
		case 'A':
			say(x, "%s", L("      no SMTP AUTH on this port (M=A)\n",
			    "      이 포트에서는 SMTP AUTH 를 제공하지 않음 (M=A)\n"));
			break;
		case 'S':
			say(x, "%s", L("      no STARTTLS on this port (M=S)\n",
			    "      이 포트에서는 STARTTLS 를 제공하지 않음 (M=S)\n"));
			break;
		case 'E':
			say(x, "%s", L("      the ETRN command is refused (M=E)\n",
			    "      ETRN 명령은 거부함 (M=E)\n"));
			break;
		case 'O':
			say(x, "%s", L("      optional: skipped when the port cannot be opened (M=O)\n",
			    "      선택 사항: 포트를 열 수 없으면 건너뜀 (M=O)\n"));
			break;
		case 'u':
			say(x, "%s", L("      addresses without a domain are accepted (M=u)\n",
			    "      도메인이 없는 주소도 받음 (M=u)\n"));
			break;
		case 'f':
			say(x, "%s", L("      only fully qualified addresses are accepted (M=f)\n",
			    "      도메인까지 완전한 주소만 받음 (M=f)\n"));
			break;
		case 'C':
			say(x, "%s", L("      host names are not canonified (M=C)\n",
			    "      호스트 이름을 정규화하지 않음 (M=C)\n"));
			break;
		default:
			break;
		}
	}
	free(v);
	return loop;
}

static void
sec_listen(const struct ex *x)
{
	size_t i, n = 0, nloop = 0;

	say(x, "%s", L("Listening (DaemonPortOptions)\n", "수신 대기 포트 (DaemonPortOptions)\n"));
	for (i = 0; i < x->cf->nitems; i++) {
		const struct cf_item *it = &x->cf->items[i];

		if (it->kind == CF_OPTION && it->extra == NULL &&
		    strcmp(it->name, "DaemonPortOptions") == 0) {
			n++;
			nloop += (size_t)listener(x, it->value ? it->value : "");
		}
	}
	if (n == 0) {
		if (find_item(x, CF_MAILER, "local") == NULL)
			say(x, "%s", L("  - none: this configuration only sends mail (an MSP or null client)\n",
			    "  - 없음: 메일을 보내기만 하는 설정 (MSP 또는 null client)\n"));
		else
			say(x, "%s", L("  - port 25 (smtp) on every IPv4 address: there is no DaemonPortOptions,"
			    " so this is sendmail's default\n",
			    "  - 포트 25 (smtp), 모든 IPv4 주소: DaemonPortOptions 가 없어서 sendmail 기본값\n"));
	} else if (nloop == n)
		say(x, "%s", L("  Mail from other machines cannot come in: to receive it, remove"
		    " Addr=127.0.0.1 from DAEMON_OPTIONS in the .mc and rebuild.\n",
		    "  다른 컴퓨터에서 오는 메일은 받을 수 없습니다. 받으려면 .mc 의 DAEMON_OPTIONS 에서"
		    " Addr=127.0.0.1 을 지우고 다시 만드십시오.\n"));
	say(x, "\n");
}

static void
show_file_class(const struct ex *x, const char *cls)
{
	const struct cf_item *f;
	size_t i;

	for (i = 0; (f = class_file(x, cls, i)) != NULL; i++) {
		int ok;
		size_t n = count_entries(f->value, &ok);

		if (f->value[0] == '|')
			say(x, L("  - and what the program %s prints\n", "  - 그리고 프로그램 %s 의 출력\n"),
			    f->value + 1);
		else if (ok)
			say(x, L("  - and the %zu names in %s\n", "  - 그리고 %2$s 에 적힌 이름 %1$zu 개\n"), n, f->value);
		else
			say(x, L("  - and the names in %s (the file does not exist yet)\n",
			    "  - 그리고 %s 에 적힌 이름 (아직 파일이 없음)\n"), f->value);
	}
}

static void
sec_local_names(const struct ex *x)
{
	dstr w = DSTR_INIT;

	say(x, "%s", L("Mail for these names is delivered here (class w)\n",
	    "이 서버가 직접 받는 이름 (클래스 w)\n"));
	class_words(x, "w", &w);
	if (w.len)
		say(x, "  - %s\n", w.s);
	show_file_class(x, "w");
	say(x, "%s", L("  - and this machine's own host names and addresses, found at start-up\n",
	    "  - 그리고 시작할 때 알아낸 이 컴퓨터의 호스트 이름과 주소\n"));
	say(x, "\n");
	dstr_free(&w);
}

/* the access map's RELAY entries */
static void
access_relays(const struct ex *x)
{
	const struct cf_item *k = find_item(x, CF_MAP, "access");
	dstr text = DSTR_INIT, db = DSTR_INIT;
	int optional;
	const char *cls;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0, n = 0;

	if (k == NULL || k->value == NULL || !cflint_map_file(k->value, &cls, &text, &db, &optional)) {
		dstr_free(&text);
		dstr_free(&db);
		return;
	}
	fp = fopen(text.s, "r");
	if (fp == NULL) {
		say(x, L("  - hosts and addresses marked RELAY in the access map (%s; cannot read it here)\n",
		    "  - access 맵에서 RELAY 로 지정한 호스트와 주소 (%s; 지금은 읽을 수 없음)\n"), text.s);
		goto out;
	}
	while (getline(&line, &cap, fp) > 0) {
		char *p = line, *key, *val, *save = NULL;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#' || *p == '\0')
			continue;
		key = strtok_r(p, " \t\r\n", &save);
		val = strtok_r(NULL, " \t\r\n", &save);
		if (key == NULL || val == NULL || strncasecmp(val, "RELAY", 5) != 0)
			continue;
		if (n++ == 0)
			say(x, L("  - entries marked RELAY in the access map (%s):\n",
			    "  - access 맵(%s)에서 RELAY 로 지정한 항목:\n"), text.s);
		if (strncasecmp(key, "Connect:", 8) == 0)
			say(x, L("      %s: clients connecting from %s\n",
			    "      %s: %s 에서 접속한 클라이언트\n"), key, key + 8);
		else if (strncasecmp(key, "To:", 3) == 0)
			say(x, L("      %s: mail to %s, whoever sends it\n",
			    "      %s: 보내는 쪽과 상관없이 %s 로 가는 메일\n"), key, key + 3);
		else if (strncasecmp(key, "From:", 5) == 0)
			say(x, L("      %s: mail from the sender %s (counts only with FEATURE(relay_mail_from))\n",
			    "      %s: 보내는 사람이 %s 인 메일 (FEATURE(relay_mail_from) 일 때만)\n"), key, key + 5);
		else
			say(x, L("      %s: clients from %s, and mail to %s\n",
			    "      %s: %s 에서 접속한 클라이언트와 %s 로 가는 메일\n"), key, key, key);
	}
	if (n == 0)
		say(x, L("  - (the access map %s has no RELAY entries)\n",
		    "  - (access 맵 %s 에 RELAY 항목이 없음)\n"), text.s);
	free(line);
	fclose(fp);
out:
	dstr_free(&text);
	dstr_free(&db);
}

static void
sec_relay(const struct ex *x)
{
	dstr r = DSTR_INIT, trust = DSTR_INIT;

	say(x, "%s", L("Who may relay (send through this server to other domains)\n",
	    "릴레이 허용 대상 (이 서버를 거쳐 다른 도메인으로 메일을 보낼 수 있는 쪽)\n"));
	if (feature(x, "promiscuous_relay")) {
		say(x, "%s", L("  - EVERYONE (FEATURE(promiscuous_relay)): this is an open relay, and"
		    " spammers will find it\n\n",
		    "  - 누구나 (FEATURE(promiscuous_relay)): 오픈 릴레이입니다. 스팸 발송에 악용됩니다\n\n"));
		return;
	}
	say(x, "%s", L("  - programs on this machine, and clients connecting from 127.0.0.1 or ::1\n",
	    "  - 이 컴퓨터의 프로그램, 그리고 127.0.0.1 또는 ::1 에서 접속한 클라이언트\n"));
	class_words(x, "TrustAuthMech", &trust);
	if (trust.len)
		say(x, L("  - clients that logged in with %s (TRUST_AUTH_MECH)\n",
		    "  - %s 방식으로 로그인(인증)한 클라이언트 (TRUST_AUTH_MECH)\n"), trust.s);
	else if (option(x, "AuthMechanisms"))
		say(x, "%s", L("  - not logged-in users: AUTH is offered but TRUST_AUTH_MECH is not set,"
		    " so logging in does not allow relaying\n",
		    "  - 로그인한 사용자도 안 됨: AUTH 는 제공하지만 TRUST_AUTH_MECH 가 없어서"
		    " 인증해도 릴레이할 수 없음\n"));
	class_words(x, "R", &r);
	if (r.len)
		say(x, L("  - hosts and domains in class R: %s (RELAY_DOMAIN)\n",
		    "  - 클래스 R 의 호스트와 도메인: %s (RELAY_DOMAIN)\n"), r.s);
	show_file_class(x, "R");
	access_relays(x);
	if (feature(x, "relay_entire_domain"))
		say(x, "%s", L("  - every host of our own domain ($m) (FEATURE(relay_entire_domain))\n",
		    "  - 우리 도메인($m)의 모든 호스트 (FEATURE(relay_entire_domain))\n"));
	if (feature(x, "relay_based_on_MX"))
		say(x, "%s", L("  - mail to domains whose MX record names this server (FEATURE(relay_based_on_MX))\n",
		    "  - MX 레코드가 이 서버를 가리키는 도메인으로 가는 메일 (FEATURE(relay_based_on_MX))\n"));
	if (feature(x, "relay_local_from"))
		say(x, "%s", L("  - mail whose sender claims one of our domains (FEATURE(relay_local_from):"
		    " easy to forge)\n",
		    "  - 보내는 사람 주소가 우리 도메인인 메일 (FEATURE(relay_local_from): 위조하기 쉬움)\n"));
	if (feature(x, "relay_mail_from"))
		say(x, "%s", L("  - senders marked From:... RELAY in the access map (FEATURE(relay_mail_from))\n",
		    "  - access 맵에 From:... RELAY 로 적힌 보내는 사람 (FEATURE(relay_mail_from))\n"));
	if (feature(x, "relay_hosts_only"))
		say(x, "%s", L("  (class R and access entries name single hosts, not whole domains:"
		    " FEATURE(relay_hosts_only))\n",
		    "  (클래스 R 과 access 항목은 도메인 전체가 아니라 그 호스트 하나만 뜻함:"
		    " FEATURE(relay_hosts_only))\n"));
	if (feature(x, "loose_relay_check"))
		say(x, "%s", L("  (addresses like user%%other@here are relayed too: FEATURE(loose_relay_check))\n",
		    "  (user%%other@여기 형식의 주소도 릴레이함: FEATURE(loose_relay_check))\n"));
	say(x, "%s", L("  Everybody else may only send mail for the local names above.\n\n",
	    "  그 밖의 클라이언트는 위의 로컬 이름으로 가는 메일만 보낼 수 있습니다.\n\n"));
	dstr_free(&r);
	dstr_free(&trust);
}

static const char *
map_purpose(const struct ex *x, const char *name)
{
	static const struct {
		const char *name, *en, *ko;
	} p[] = {
		{ "access", "accept, reject or relay by host, domain or address",
		  "호스트·도메인·주소별 허용, 거부, 릴레이" },
		{ "virtuser", "virtual addresses to real mailboxes", "가상 주소를 실제 메일함으로 연결" },
		{ "mailertable", "delivery routes for whole domains", "도메인별 전달 경로" },
		{ "generics", "rewrites the sender addresses of outgoing mail",
		  "나가는 메일의 발신 주소를 바꿈" },
		{ "domaintable", "old domain names to new ones", "옛 도메인 이름을 새 이름으로 바꿈" },
		{ "authinfo", "user names and passwords for AUTH to other servers",
		  "다른 서버에 인증할 때 쓰는 사용자 이름과 암호" },
	};
	size_t i;

	for (i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (strcmp(p[i].name, name) == 0)
			return L(p[i].en, p[i].ko);
	return NULL;
}

static void
db_state(const struct ex *x, const char *text, const char *db, const char *rebuild)
{
	struct stat st, sd;
	int has_text = stat(text, &st) == 0, has_db = stat(db, &sd) == 0;

	if (!has_db)
		say(x, L("      %s does not exist: %s\n", "      %s 파일이 없음: %s 필요\n"), db, rebuild);
	else if (has_text && (st.st_mtim.tv_sec > sd.st_mtim.tv_sec ||
	    (st.st_mtim.tv_sec == sd.st_mtim.tv_sec && st.st_mtim.tv_nsec > sd.st_mtim.tv_nsec)))
		say(x, L("      %s is older than %s: %s\n", "      %s 파일이 %s 보다 오래됨: %s 필요\n"),
		    db, text, rebuild);
	else
		say(x, L("      %s is up to date\n", "      %s 파일은 최신 상태\n"), db);
}

static void
sec_maps(const struct ex *x)
{
	dstr helpers = DSTR_INIT, text = DSTR_INIT, db = DSTR_INIT, cmd = DSTR_INIT;
	const char *aliases = option(x, "AliasFile");
	size_t i;

	say(x, "%s", L("Maps and lookup files\n", "맵과 조회 파일\n"));
	for (i = 0; i < x->cf->nitems; i++) {
		const struct cf_item *it = &x->cf->items[i];
		const char *purpose, *cls;
		int optional;

		if (it->kind != CF_MAP)
			continue;
		purpose = map_purpose(x, it->name);
		if (purpose == NULL && !cflint_map_file(it->value ? it->value : "", &cls, &text, &db, &optional)) {
			dstr_printf(&helpers, "%s%s", helpers.len ? ", " : "", it->name);
			continue;
		}
		say(x, "  - %s: %s", it->name, it->value ? it->value : "");
		if (purpose)
			say(x, " -- %s", purpose);
		say(x, "\n");
		if (cflint_map_file(it->value ? it->value : "", &cls, &text, &db, &optional)) {
			dstr_clear(&cmd);
			dstr_printf(&cmd, "makemap %s %s < %s", cls, text.s, text.s);
			db_state(x, text.s, db.s, cmd.s);
		}
	}
	if (aliases) {
		char *v = xstrdup(aliases), *save = NULL, *tok;

		say(x, L("  - aliases: %s -- mail names that forward to users, files or programs\n",
		    "  - aliases: %s -- 사용자, 파일, 프로그램으로 전달하는 메일 별칭\n"), aliases);
		for (tok = strtok_r(v, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
			char *colon = strchr(tok, ':');
			const char *path = colon && colon[1] ? colon + 1 : tok;

			if (strchr(path, '$'))
				continue;
			dstr_clear(&db);
			dstr_printf(&db, "%s.db", path);
			db_state(x, path, db.s, "newaliases");
		}
		free(v);
	}
	if (helpers.len)
		say(x, L("  - maps the rules use internally: %s\n", "  - 규칙이 내부에서 쓰는 맵: %s\n"),
		    helpers.s);
	say(x, "\n");
	dstr_free(&helpers);
	dstr_free(&text);
	dstr_free(&db);
	dstr_free(&cmd);
}

static void
sec_auth(const struct ex *x)
{
	const char *mechs = option(x, "AuthMechanisms"), *opts = option(x, "AuthOptions");
	dstr trust = DSTR_INIT;

	say(x, "%s", L("SMTP AUTH (logging in to send)\n", "SMTP AUTH (메일을 보내기 위한 로그인)\n"));
	if (mechs == NULL)
		say(x, "%s", L("  - not offered: confAUTH_MECHANISMS is not set\n",
		    "  - 제공하지 않음: confAUTH_MECHANISMS 가 없음\n"));
	else {
		say(x, L("  - mechanisms offered: %s (confAUTH_MECHANISMS)\n",
		    "  - 제공하는 인증 방식: %s (confAUTH_MECHANISMS)\n"), mechs);
		say(x, "%s", L("  - passwords are checked by Cyrus SASL (saslauthd or sasldb)\n",
		    "  - 암호 확인은 Cyrus SASL (saslauthd 또는 sasldb) 이 함\n"));
	}
	class_words(x, "TrustAuthMech", &trust);
	if (trust.len)
		say(x, L("  - mechanisms that allow relaying: %s (TRUST_AUTH_MECH)\n",
		    "  - 릴레이를 허용하는 인증 방식: %s (TRUST_AUTH_MECH)\n"), trust.s);
	if (opts) {
		say(x, L("  - AuthOptions: %s\n", "  - AuthOptions: %s\n"), opts);
		if (strchr(opts, 'p'))
			say(x, "%s", L("      plain-text mechanisms (PLAIN, LOGIN) only after STARTTLS (p)\n",
			    "      PLAIN, LOGIN 같은 평문 방식은 STARTTLS 뒤에만 허용 (p)\n"));
	}
	say(x, "\n");
	dstr_free(&trust);
}

static void
sec_tls(const struct ex *x)
{
	static const struct {
		const char *opt, *en, *ko;
	} files[] = {
		{ "ServerCertFile", "server certificate", "서버 인증서" },
		{ "ServerKeyFile", "server private key", "서버 개인 키" },
		{ "CACertFile", "CA certificates", "CA 인증서" },
		{ "CACertPath", "CA certificate folder", "CA 인증서 폴더" },
		{ "ClientCertFile", "client certificate (for sending)", "클라이언트 인증서 (보낼 때)" },
		{ "ClientKeyFile", "client private key", "클라이언트 개인 키" },
	};
	size_t i;

	say(x, "%s", L("TLS (STARTTLS)\n", "TLS (STARTTLS)\n"));
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *v = option(x, files[i].opt);

		if (v == NULL)
			continue;
		say(x, "  - %s: %s", L(files[i].en, files[i].ko), v);
		if (strchr(v, '$') == NULL && !file_exists(v))
			say(x, "%s", L(" (missing!)", " (파일 없음!)"));
		say(x, "\n");
	}
	if (option(x, "ServerCertFile") == NULL)
		say(x, "%s", L("  - no server certificate (confSERVER_CERT): STARTTLS is not offered\n",
		    "  - 서버 인증서(confSERVER_CERT)가 없어서 STARTTLS 를 제공하지 않음\n"));
	say(x, "\n");
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void
sec_local(const struct ex *x)
{
	const struct cf_item *local = find_item(x, CF_MAILER, "local");
	const struct cf_item *prog = find_item(x, CF_MAILER, "prog");

	say(x, "%s", L("Local delivery\n", "로컬 배달\n"));
	if (local == NULL) {
		say(x, "%s", L("  - no local mailer: nothing is delivered on this machine\n",
		    "  - local 메일러 없음: 이 컴퓨터에서는 배달하지 않음\n"));
	} else {
		const char *p = mailer_field(local, 'P'), *a = mailer_field(local, 'A');
		const char *b = p ? base_name(p) : "";

		say(x, L("  - local mailer: %s, run as: %s\n", "  - local 메일러: %s, 실행 방식: %s\n"),
		    p ? p : "?", a ? a : "?");
		if (strcmp(b, "procmail") == 0)
			say(x, "%s", L("      procmail delivers to /var/mail/<user>, or as ~/.procmailrc says\n",
			    "      procmail 이 /var/mail/<사용자> 로, 또는 ~/.procmailrc 대로 배달\n"));
		else if (strcmp(b, "mail.local") == 0 && a && strstr(a, "-l"))
			say(x, "%s", L("      mail.local in LMTP mode: delivered to the mailbox store\n",
			    "      LMTP 모드의 mail.local 이 메일함에 배달\n"));
		else if (strcmp(b, "mail.local") == 0)
			say(x, "%s", L("      mail.local delivers to /var/mail/<user>\n",
			    "      mail.local 이 /var/mail/<사용자> 로 배달\n"));
		else if (strcmp(p ? p : "", "[IPC]") == 0)
			say(x, L("      handed over a socket (LMTP): %s\n",
			    "      소켓(LMTP)으로 넘김: %s\n"), a ? a : "");
	}
	if (prog) {
		const char *p = mailer_field(prog, 'P');

		say(x, L("  - |programs in aliases and .forward files run through %s\n",
		    "  - aliases 와 .forward 의 |프로그램은 %s 로 실행\n"), p ? p : "?");
		if (p && strcmp(base_name(p), "smrsh") == 0)
			say(x, "%s", L("      smrsh only runs the commands linked into its folder\n",
			    "      smrsh 는 자기 폴더에 링크된 명령만 실행\n"));
	}
	say(x, "\n");
}

static void
sec_outgoing(const struct ex *x)
{
	const char *smart = macro(x, "S"), *hub = macro(x, "H"), *luser = macro(x, "L");
	const char *mta = macro(x, "MTAHost");

	say(x, "%s", L("Outgoing mail\n", "나가는 메일\n"));
	if (mta)
		say(x, L("  - handed to the mail server at %s (this is a submission program's config)\n",
		    "  - %s 의 메일 서버로 넘김 (메일 제출 프로그램용 설정)\n"), mta);
	else if (smart)
		say(x, L("  - mail for other domains goes to the smart host %s (SMART_HOST)\n",
		    "  - 다른 도메인으로 가는 메일은 모두 스마트 호스트 %s 로 보냄 (SMART_HOST)\n"), smart);
	else
		say(x, "%s", L("  - sent straight to each domain's mail server (its MX record)\n",
		    "  - 각 도메인의 메일 서버(MX 레코드)로 직접 보냄\n"));
	if (hub)
		say(x, L("  - mail for local users is passed on to the mail hub %s (MAIL_HUB)\n",
		    "  - 로컬 사용자에게 온 메일은 메일 허브 %s 로 넘김 (MAIL_HUB)\n"), hub);
	if (luser)
		say(x, L("  - mail for unknown local users goes to %s (LUSER_RELAY)\n",
		    "  - 없는 로컬 사용자에게 온 메일은 %s 로 보냄 (LUSER_RELAY)\n"), luser);
	if (find_item(x, CF_MAP, "mailertable"))
		say(x, "%s", L("  - routes in the mailertable map come first for the domains they name\n",
		    "  - mailertable 맵에 적힌 도메인은 그 경로를 먼저 따름\n"));
	say(x, "\n");
}

static void
sec_masquerade(const struct ex *x)
{
	const char *as = macro(x, "M");
	dstr m = DSTR_INIT, e = DSTR_INIT;

	say(x, "%s", L("Masquerading (how sender addresses look)\n", "주소 위장 (발신 주소가 보이는 모습)\n"));
	class_words(x, "M", &m);
	class_words(x, "E", &e);
	if (as == NULL && m.len == 0)
		say(x, "%s", L("  - none: addresses keep this machine's own name\n",
		    "  - 없음: 주소에 이 컴퓨터 이름이 그대로 남음\n"));
	if (as)
		say(x, L("  - sender addresses are rewritten to come from %s (MASQUERADE_AS)\n",
		    "  - 발신 주소를 %s 에서 보낸 것처럼 바꿈 (MASQUERADE_AS)\n"), as);
	if (m.len)
		say(x, L("  - addresses from these domains too: %s (MASQUERADE_DOMAIN)\n",
		    "  - 다음 도메인의 주소도 바꿈: %s (MASQUERADE_DOMAIN)\n"), m.s);
	show_file_class(x, "M");
	if (e.len)
		say(x, L("  - except these users: %s (EXPOSED_USER)\n",
		    "  - 바꾸지 않는 사용자: %s (EXPOSED_USER)\n"), e.s);
	if (feature(x, "masquerade_envelope"))
		say(x, "%s", L("  - the envelope sender too, not only the From: header\n",
		    "  - From: 헤더뿐 아니라 봉투(envelope) 발신자도 바꿈\n"));
	if (feature(x, "masquerade_entire_domain"))
		say(x, "%s", L("  - hosts inside those domains too (FEATURE(masquerade_entire_domain))\n",
		    "  - 그 도메인 안의 호스트 주소도 바꿈 (FEATURE(masquerade_entire_domain))\n"));
	if (feature(x, "allmasquerade"))
		say(x, "%s", L("  - recipient headers too (FEATURE(allmasquerade))\n",
		    "  - 받는 사람 헤더도 바꿈 (FEATURE(allmasquerade))\n"));
	say(x, "\n");
	dstr_free(&m);
	dstr_free(&e);
}

static void
sec_features(const struct ex *x)
{
	dstr f = DSTR_INIT;
	size_t i;

	if (x->sc == NULL)
		return;
	for (i = 0; i < x->sc->ncalls; i++) {
		const struct mc_call *c = &x->sc->calls[i];

		if (strcmp(c->name, "FEATURE") == 0 && c->nargs > 0)
			dstr_printf(&f, "%s%s", f.len ? ", " : "", c->args[0]);
	}
	if (f.len)
		say(x, L("FEATUREs used: %s\n", "사용한 FEATURE: %s\n"), f.s);
	dstr_free(&f);
}

/* a submission program's config (submit.cf) */
static void
sec_msp(const struct ex *x)
{
	const char *q = option(x, "QueueDirectory"), *user = option(x, "RunAsUser");

	say(x, "%s", L("Mail submission program (MSP)\n", "메일 제출 프로그램 (MSP)\n"));
	say(x, "%s", L("  - used by sendmail -t, mail(1) and other local programs; it never"
	    " listens on the network\n",
	    "  - sendmail -t, mail(1) 같은 로컬 프로그램이 쓰는 설정이며, 네트워크에서 메일을"
	    " 받지 않음\n"));
	if (q)
		say(x, L("  - messages wait in %s until the mail server takes them\n",
		    "  - 메일 서버가 받아 갈 때까지 메일은 %s 에서 기다림\n"), q);
	if (user)
		say(x, L("  - runs as the user %s, not as root\n",
		    "  - root 가 아니라 %s 사용자로 실행\n"), user);
	say(x, "\n");
}

void
explain_print(FILE *fp, const struct cf_file *cf, const struct mc_scan *sc,
    const char *name, int lang)
{
	struct ex ex = { fp, lang, cf, sc };
	const struct ex *x = &ex;

	say(x, L("What %s does\n\n", "%s 설정 요약\n\n"), name);
	if (macro(x, "MTAHost") || (option(x, "UseMSP") && find_item(x, CF_MAP, "access") == NULL &&
	    strstr(option(x, "DaemonPortOptions") ? option(x, "DaemonPortOptions") : "", "NoMTA"))) {
		sec_msp(x);
		sec_outgoing(x);
		sec_masquerade(x);
		sec_features(x);
		return;
	}
	sec_listen(x);
	sec_local_names(x);
	sec_relay(x);
	sec_maps(x);
	sec_auth(x);
	sec_tls(x);
	sec_local(x);
	sec_outgoing(x);
	sec_masquerade(x);
	sec_features(x);
}
