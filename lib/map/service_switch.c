/* service_switch: reads sendmail's service switch file
 * (ServiceSwitchFile, lines like "hosts files dns") to tell the host
 * and switch maps which methods to try, in order.  Without the file the
 * system's /etc/nsswitch.conf is used, then sendmail's defaults. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static int
from_file(const char *path, const char *service, char **methods, int max, int nsswitch)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	int n = -1;

	if (fp == NULL)
		return -1;
	while (n < 0 && getline(&line, &cap, fp) > 0) {
		char *p = line, *w;
		size_t len = strlen(service);

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#' || strncmp(p, service, len) != 0)
			continue;
		p += len;
		if (nsswitch) {
			if (*p != ':')
				continue;
			p++;
		} else if (!isspace((unsigned char)*p) && *p != ':')
			continue;
		n = 0;
		while (n < max) {
			while (isspace((unsigned char)*p) || *p == ':')
				p++;
			if (*p == '\0' || *p == '#' || *p == '[')
				break;
			w = p;
			while (*p && !isspace((unsigned char)*p) && *p != '[')
				p++;
			methods[n++] = xstrndup(w, (size_t)(p - w));
		}
	}
	free(line);
	fclose(fp);
	return n;
}

int
service_switch_has(const map_registry *reg, const char *service, const char *method)
{
	char *methods[10];
	int n = service_switch_lookup(reg, service, methods, 10), i, found = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(methods[i], method) == 0)
			found = 1;
		free(methods[i]);
	}
	return found;
}

int
service_switch_lookup(const map_registry *reg, const char *service, char **methods, int max)
{
	const char *path = reg->service_switch ? reg->service_switch : "/etc/mail/service.switch";
	int n;

	n = from_file(path, service, methods, max, 0);
	if (n >= 0)
		return n;
	n = from_file("/etc/nsswitch.conf", service, methods, max, 1);
	if (n >= 0)
		return n;
	if (strcmp(service, "hosts") == 0 && max >= 2) {
		methods[0] = xstrdup("dns");
		methods[1] = xstrdup("files");
		return 2;
	}
	if (max >= 1) {
		methods[0] = xstrdup("files");
		return 1;
	}
	return 0;
}
