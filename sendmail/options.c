/* options: the option table and storage (see options.h).  Values are
 * kept as strings; the few that sendmail interprets while reading the
 * config (OperatorChars and friends) are read back by the loader. */
#include "config.h"
#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "sendmail/options.h"

struct optdef {
	const char *name;
	char letter;		/* old one-character name, or 0 */
};

/* Every option sendmail 8.17 knows, with its old letter. */
static const struct optdef optdefs[] = {
	{ "AliasFile", 'A' }, { "AliasWait", 'a' }, { "AllowBogusHELO", 0 },
	{ "AuthMaxBits", 0 }, { "AuthMechanisms", 0 }, { "AuthOptions", 0 },
	{ "AuthRealm", 0 }, { "BadRcptShutdown", 0 }, { "BadRcptShutdownGood", 0 },
	{ "BadRcptThrottle", 0 }, { "BlankSub", 'B' }, { "CACertFile", 0 },
	{ "CACertPath", 0 }, { "CRLFile", 0 }, { "CRLPath", 0 },
	{ "CertFingerprintAlgorithm", 0 }, { "CheckAliases", 'n' },
	{ "CheckpointInterval", 'C' }, { "CipherList", 0 }, { "CipherSuites", 0 },
	{ "ClassFactor", 'z' }, { "ClientCertFile", 0 }, { "ClientKeyFile", 0 },
	{ "ClientPortOptions", 0 }, { "ClientSSLOptions", 0 }, { "ColonOkInAddr", 0 },
	{ "ConnectOnlyTo", 0 }, { "ConnectionCacheSize", 'k' },
	{ "ConnectionCacheTimeout", 'K' }, { "ConnectionRateThrottle", 0 },
	{ "ConnectionRateWindowSize", 0 }, { "ControlSocketName", 0 },
	{ "DHParameters", 0 }, { "DaemonPortOptions", 'O' },
	{ "DataFileBufferSize", 0 }, { "DeadLetterDrop", 0 }, { "DefaultAuthInfo", 0 },
	{ "DefaultCharSet", 0 }, { "DefaultUser", 'u' }, { "DelayLA", 0 },
	{ "DeliverByMin", 0 }, { "DeliveryMode", 'd' }, { "DialDelay", 0 },
	{ "DirectSubmissionModifiers", 0 }, { "DontBlameSendmail", 0 },
	{ "DontExpandCnames", 0 }, { "DontInitGroups", 0 },
	{ "DontProbeInterfaces", 0 }, { "DontPruneRoutes", 'R' },
	{ "DoubleBounceAddress", 0 }, { "EightBitMode", '8' }, { "ErrorHeader", 'E' },
	{ "ErrorMode", 'e' }, { "FallbackMXhost", 'V' }, { "FallbackSmartHost", 0 },
	{ "FastSplit", 0 }, { "ForkEachJob", 'Y' }, { "ForwardPath", 'J' },
	{ "HeloName", 0 }, { "HelpFile", 'H' }, { "HoldExpensive", 'c' },
	{ "HostStatusDirectory", 0 }, { "HostsFile", 0 }, { "IgnoreDots", 'i' },
	{ "InputMailFilters", 0 }, { "LogLevel", 'L' }, { "MailboxDatabase", 0 },
	{ "MatchGECOS", 'G' }, { "MaxAliasRecursion", 0 }, { "MaxDaemonChildren", 0 },
	{ "MaxHeadersLength", 0 }, { "MaxHopCount", 'h' }, { "MaxMessageSize", 0 },
	{ "MaxMimeHeaderLength", 0 }, { "MaxNOOPCommands", 0 }, { "MaxQueueAge", 0 },
	{ "MaxQueueChildren", 0 }, { "MaxQueueRunSize", 0 },
	{ "MaxRecipientsPerMessage", 0 }, { "MaxRunnersPerQueue", 0 },
	{ "MeToo", 'm' }, { "MinFreeBlocks", 'b' }, { "MinQueueAge", 0 },
	{ "MustQuoteChars", 0 }, { "NiceQueueRun", 0 }, { "NoRecipientAction", 0 },
	{ "OldStyleHeaders", 'o' }, { "OperatorChars", 0 }, { "PidFile", 0 },
	{ "PostmasterCopy", 'P' }, { "PrivacyOptions", 'p' },
	{ "ProcessTitlePrefix", 0 }, { "QueueDirectory", 'Q' }, { "QueueFactor", 'q' },
	{ "QueueFileMode", 0 }, { "QueueLA", 'x' }, { "QueueSortOrder", 0 },
	{ "QueueTimeout", 'T' }, { "RandFile", 0 }, { "RecipientFactor", 'y' },
	{ "RefuseLA", 'X' }, { "RejectLogInterval", 0 }, { "RejectNUL", 0 },
	{ "RequiresDirfsync", 0 }, { "ResolverOptions", 'I' }, { "RetryFactor", 'Z' },
	{ "RrtImpliesDsn", 0 }, { "RunAsUser", 0 }, { "SSLEngine", 0 },
	{ "SSLEnginePath", 0 }, { "SafeFileEnvironment", 0 }, { "SaveFromLine", 'f' },
	{ "SendMimeErrors", 'j' }, { "ServerCertFile", 0 }, { "ServerKeyFile", 0 },
	{ "ServerSSLOptions", 0 }, { "ServiceSwitchFile", 0 }, { "SetCertAltnames", 0 },
	{ "SevenBitInput", '7' }, { "SharedMemoryKey", 0 },
	{ "SharedMemoryKeyFile", 0 }, { "SingleLineFromHeader", 0 },
	{ "SingleThreadDelivery", 0 }, { "SmtpGreetingMessage", 0 },
	{ "SmtpUTF8", 0 }, { "SoftBounce", 0 }, { "StatusFile", 'S' },
	{ "StrictTransportSecurity", 0 }, { "SuperSafe", 's' },
	{ "TLSFallbacktoClear", 0 }, { "TLSSrvOptions", 0 }, { "TempFileMode", 'F' },
	{ "TimeZoneSpec", 't' }, { "TrustedUser", 0 }, { "TryNullMXList", 'w' },
	{ "UnixFromLine", 0 }, { "UnsafeGroupWrites", 0 },
	{ "UseCompressedIPv6Addresses", 0 }, { "UseErrorsTo", 'l' }, { "UseMSP", 0 },
	{ "UserDatabaseSpec", 'U' }, { "Verbose", 'v' }, { "XscriptFileBufferSize", 0 },
	{ "Timeout", 'r' },
	{ NULL, 0 }
};

struct optval {
	char *name;
	char *value;
};

struct options {
	struct optval *v;
	size_t n, cap;
};

struct options *
options_new(void)
{
	return xcalloc(1, sizeof(struct options));
}

void
options_free(struct options *o)
{
	size_t i;

	if (o == NULL)
		return;
	for (i = 0; i < o->n; i++) {
		free(o->v[i].name);
		free(o->v[i].value);
	}
	free(o->v);
	free(o);
}

static struct optval *
slot(const struct options *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcasecmp(o->v[i].name, name) == 0)
			return &o->v[i];
	return NULL;
}

static void
store(struct options *o, const char *name, const char *value)
{
	struct optval *s = slot(o, name);

	if (s == NULL) {
		if (o->n == o->cap) {
			o->cap = o->cap ? o->cap * 2 : 64;
			o->v = xreallocarray(o->v, o->cap, sizeof(*o->v));
		}
		s = &o->v[o->n++];
		s->name = xstrdup(name);
		s->value = NULL;
	}
	free(s->value);
	s->value = xstrdup(value);
}

/* Options that may be given several times accumulate, one per line. */
static int
accumulates(const char *name)
{
	return strcasecmp(name, "DaemonPortOptions") == 0 ||
	    strcasecmp(name, "ClientPortOptions") == 0;
}

/* check_user: RunAsUser, TrustedUser and DefaultUser name a user (and a
 * group) that must exist; sendmail says so when it reads the option,
 * naming DefaultUser by its letter */
static void
check_user(const char *name, const char *value, dstr *msg)
{
	const char *shown = name, *colon;
	char *user;
	int digits = 1;
	size_t i;

	if (strcmp(name, "DefaultUser") == 0)
		shown = "u";
	else if (strcmp(name, "RunAsUser") != 0 && strcmp(name, "TrustedUser") != 0)
		return;
	if (msg == NULL || *value == '\0')
		return;
	colon = strchr(value, ':');
	user = colon ? xstrndup(value, (size_t)(colon - value)) : xstrdup(value);
	for (i = 0; user[i]; i++)
		if (!isdigit((unsigned char)user[i]))
			digits = 0;
	if (*user && !digits && getpwnam(user) == NULL)
		dstr_printf(msg, "readcf: option %s: unknown user %s\n", shown, user);
	else if (colon && colon[1] && !isdigit((unsigned char)colon[1]) &&
	    getgrnam(colon + 1) == NULL)
		dstr_printf(msg, "readcf: option %s: unknown group %s\n", shown, colon + 1);
	free(user);
}

int
options_set(struct options *o, const char *name, int is_short,
    const char *value, dstr *msg)
{
	const struct optdef *d, *match = NULL, *second = NULL;
	size_t len = strlen(name);

	if (is_short) {
		for (d = optdefs; d->name; d++)
			if (d->letter == name[0])
				break;
		if (d->name == NULL) {
			/* unknown one-letter options are ignored, as sendmail
			 * does for obsolete ones, with a warning */
			if (msg)
				dstr_printf(msg, "readcf: unknown option name 0x%x\n",
				    (unsigned char)name[0]);
			return -1;
		}
		if (d->letter == 'r') {
			/* old "Or": read timeouts; keep as Timeout value */
			store(o, "Timeout", value);
			return 0;
		}
		name = d->name;
	} else if (strncasecmp(name, "Timeout.", 8) == 0 ||
	    strncasecmp(name, "Milter.", 7) == 0) {
		store(o, name, value);
		return 0;
	} else {
		for (d = optdefs; d->name; d++) {
			if (strcasecmp(d->name, name) == 0) {
				match = d;
				second = NULL;
				break;
			}
			if (strncasecmp(d->name, name, len) == 0) {
				if (match == NULL)
					match = d;
				else if (second == NULL)
					second = d;
			}
		}
		if (match == NULL) {
			if (msg)
				dstr_printf(msg, "readcf: unknown option name %s\n", name);
			return -1;
		}
		if (second != NULL) {
			if (msg)
				dstr_printf(msg, "readcf: ambiguous option name %s (matches %s and %s)\n",
				    name, match->name, second->name);
			return -1;
		}
		if (strcasecmp(match->name, name) != 0 && msg)
			dstr_printf(msg, "Option %s used as abbreviation for %s\n",
			    name, match->name);
		name = match->name;
	}
	if (accumulates(name) && options_get(o, name) != NULL) {
		dstr joined = DSTR_INIT;

		dstr_printf(&joined, "%s\n%s", options_get(o, name), value);
		store(o, name, joined.s);
		dstr_free(&joined);
		return 0;
	}
	check_user(name, value, msg);
	store(o, name, value);
	return 0;
}

const char *
options_get(const struct options *o, const char *name)
{
	const struct optval *s = slot(o, name);

	return s ? s->value : NULL;
}

int
options_is_set(const struct options *o, const char *name)
{
	return slot(o, name) != NULL;
}

long
options_int(const struct options *o, const char *name, long def)
{
	const char *v = options_get(o, name);
	char *end;
	long n;

	if (v == NULL || *v == '\0')
		return def;
	n = strtol(v, &end, 0);
	return end == v ? def : n;
}

int
options_parse_bool(const char *v, int def)
{
	if (v == NULL)
		return def;
	if (*v == '\0')
		return 1;	/* "O Name" alone means true */
	switch (*v) {
	case 't': case 'T': case 'y': case 'Y': case '1':
		return 1;
	case 'f': case 'F': case 'n': case 'N': case '0':
		return 0;
	}
	return def;
}

int
options_bool(const struct options *o, const char *name, int def)
{
	return options_parse_bool(options_get(o, name), def);
}

long
options_parse_time(const char *v, int unit, int *ok)
{
	long total = 0, n;
	int any = 0;

	*ok = 1;
	while (*v) {
		while (isspace((unsigned char)*v))
			v++;
		if (*v == '\0')
			break;
		if (!isdigit((unsigned char)*v)) {
			*ok = 0;
			return 0;
		}
		n = 0;
		while (isdigit((unsigned char)*v))
			n = n * 10 + (*v++ - '0');
		switch (*v ? *v : unit) {
		case 'w': n *= 7 * 24 * 3600; break;
		case 'd': n *= 24 * 3600; break;
		case 'h': n *= 3600; break;
		case 'm': n *= 60; break;
		case 's': break;
		default:
			*ok = 0;
			return 0;
		}
		if (*v)
			v++;
		total += n;
		any = 1;
	}
	if (!any)
		*ok = 0;
	return total;
}

long
options_time(const struct options *o, const char *name, int unit, long def)
{
	const char *v = options_get(o, name);
	long t;
	int ok;

	if (v == NULL)
		return def;
	t = options_parse_time(v, unit, &ok);
	return ok ? t : def;
}
