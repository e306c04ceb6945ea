/* err.h — the one error type of Parta.
 *
 * Every fallible function returns `int` holding one of these values; 0 is success.
 * The HTTP status for each value is chosen in exactly one place: http_status_for() in
 * src/net/http.c. */
#ifndef PARTA_CORE_ERR_H
#define PARTA_CORE_ERR_H

enum parta_err {
	PARTA_OK = 0,
	PARTA_EINVAL,      /* malformed input (bad JSON, wrong shape)          -> 400 */
	PARTA_EUNAUTH,     /* no valid session or wrong credentials            -> 401 */
	PARTA_EFORBIDDEN,  /* authenticated but not allowed, CSRF failure      -> 403 */
	PARTA_ENOTFOUND,   /* no such resource                                 -> 404 */
	PARTA_EMETHOD,     /* resource exists, method does not                 -> 405 */
	PARTA_ECONFLICT,   /* state conflict (duplicate, dependent records)    -> 409 */
	PARTA_ETOOLARGE,   /* body or frame over its limit                     -> 413 */
	PARTA_EMEDIATYPE,  /* unsupported Content-Type                         -> 415 */
	PARTA_EVALIDATION, /* well-formed but invalid values                   -> 422 */
	PARTA_ETHROTTLED,  /* rate limit hit                                   -> 429 */
	PARTA_EFULL,       /* a bounded queue is full                          -> 503 */
	PARTA_EUNAVAILABLE, /* a service Parta needs (the media server) is down -> 503 */
	PARTA_ENOMEM,      /* allocation failed                                -> 500 */
	PARTA_EIO,         /* database or file system failure                  -> 500 */
	PARTA_ESCHEMA,     /* database written by a newer Parta                -> 500 */
};

/* A short stable English name of the error ("einval"), for logs. Never NULL. */
const char *parta_strerror(int err);

#endif
