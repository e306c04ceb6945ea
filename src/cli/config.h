/* config.h — the server's configuration: defaults, then the ini file (--config), then PARTA_*
 * environment variables, then command-line flags; each later source overrides the earlier.
 * Every option is described once, in the table in config.c, which also prints the reference
 * (parta --help-config) that README.md reproduces. */
#ifndef PARTA_CLI_CONFIG_H
#define PARTA_CLI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../app/app.h"
#include "../app/media.h"
#include "../app/sms.h"
#include "../net/server.h"
#include "../util/log.h"

struct config {
	struct srv_config srv;
	struct app_limits limits;
	struct sms_config sms;
	struct media_config media;
	char db_path[1024];
	enum log_level log_level;
	bool test_mode;
};

void config_defaults(struct config *cfg);

/* Sets one option by its ini section and key. PARTA_ENOTFOUND for an unknown option,
 * PARTA_EVALIDATION for a bad value; `err` says which. */
int config_set(struct config *cfg, const char *section, const char *key, const char *value,
	       char *err, size_t errlen);

/* Loads an ini file. PARTA_EIO when it cannot be read, or the error of the first bad line. */
int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen);

/* Applies every PARTA_<SECTION>_<KEY> variable that is set. */
int config_load_env(struct config *cfg, char *err, size_t errlen);

/* Prints the option reference as a Markdown table. */
void config_print_reference(FILE *out);

#endif
