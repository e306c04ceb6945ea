/* oneroster_api.c — POST /api/v1/orgs/{org}/roster/import/oneroster: a OneRoster CSV export
 * as an application/zip body (administrators of {org} only, by the route table). Query:
 * allow_mass_changes=1, dry_run=1. 200 with the report; 422 with the report when refused
 * for too many withdrawals or dismissals; 422 for a malformed export. */
#include <string.h>

#include "../app/oneroster.h"
#include "../core/err.h"
#include "api.h"
#include "handlers.h"

int api_roster_import_oneroster(struct srv *srv, struct http_req *req, const struct auth_ctx *who)
{
	(void)who;
	const char *ct = req->content_type ? req->content_type : "";
	if (strncmp(ct, "application/zip", 15) != 0) {
		http_error(&req->resp, PARTA_EMEDIATYPE, "unsupported_media_type",
			   "Ожидается архив OneRoster: Content-Type application/zip");
		return API_DONE;
	}
	char why[600] = "";
	struct orimport_files files;
	int rc = orimport_read_zip(req->body ? req->body : "", req->body_len, &files, why,
				   sizeof why);
	if (rc != PARTA_OK) {
		http_error(&req->resp, rc, rc == PARTA_EVALIDATION ? "validation" : "internal", why);
		return API_DONE;
	}
	struct orimport_options opt = {.allow_mass_changes = api_query_flag(req, "allow_mass_changes"),
				       .dry_run = api_query_flag(req, "dry_run")};
	json_t *report = NULL;
	rc = orimport_run(srv_app(srv), api_param_id(req, "org"), &files, &opt, &report, why,
			  sizeof why);
	orimport_files_free(&files);
	if (rc == PARTA_OK) {
		http_json(&req->resp, 200, report);
	} else if (rc == PARTA_ECONFLICT) {
		http_json(&req->resp, 422,
			  json_pack("{s:{s:s,s:s},s:o}", "error", "code", "mass_changes", "message",
				    why, "report", report));
	} else if (rc == PARTA_EVALIDATION) {
		http_error(&req->resp, rc, "validation", why);
	} else {
		http_error(&req->resp, rc, "internal", "Внутренняя ошибка сервера");
	}
	return API_DONE;
}
