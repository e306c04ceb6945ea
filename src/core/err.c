#include "err.h"

const char *parta_strerror(int err)
{
	switch ((enum parta_err)err) {
	case PARTA_OK: return "ok";
	case PARTA_EINVAL: return "einval";
	case PARTA_EUNAUTH: return "eunauth";
	case PARTA_EFORBIDDEN: return "eforbidden";
	case PARTA_ENOTFOUND: return "enotfound";
	case PARTA_EMETHOD: return "emethod";
	case PARTA_ECONFLICT: return "econflict";
	case PARTA_ETOOLARGE: return "etoolarge";
	case PARTA_EMEDIATYPE: return "emediatype";
	case PARTA_EVALIDATION: return "evalidation";
	case PARTA_ETHROTTLED: return "ethrottled";
	case PARTA_EFULL: return "efull";
	case PARTA_EUNAVAILABLE: return "eunavailable";
	case PARTA_ENOMEM: return "enomem";
	case PARTA_EIO: return "eio";
	case PARTA_ESCHEMA: return "eschema";
	}
	return "unknown";
}
