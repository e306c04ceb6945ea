#include "route.h"

#include <string.h>

/* Advances *s past one segment (up to '/' or end) and returns its length. */
static size_t route_segment(const char **s)
{
	const char *start = *s;
	while (**s != '\0' && **s != '/')
		(*s)++;
	return (size_t)(*s - start);
}

bool route_match(const char *pattern, const char *path, struct http_param *params,
		 size_t *nparams)
{
	*nparams = 0;
	const char *p = pattern, *s = path;
	while (*p != '\0' && *s != '\0') {
		if (*p != '/' || *s != '/')
			return false;
		p++, s++;
		const char *pseg = p, *sseg = s;
		size_t plen = route_segment(&p), slen = route_segment(&s);
		if (plen >= 3 && pseg[0] == '{' && pseg[plen - 1] == '}') {
			if (slen == 0 || slen >= sizeof params[0].value ||
			    *nparams == HTTP_MAX_PARAMS)
				return false;
			/* The name is the pattern text between the braces; patterns are static, so
			 * pointing into them is safe for the request's lifetime. */
			struct http_param *param = &params[(*nparams)++];
			param->name = pseg + 1;
			param->name_len = plen - 2;
			memcpy(param->value, sseg, slen);
			param->value[slen] = '\0';
		} else if (plen != slen || memcmp(pseg, sseg, plen) != 0) {
			return false;
		}
	}
	return *p == '\0' && *s == '\0';
}
