// A tiny wrapper around fetch() for the Parta REST API.
//
// Every request is JSON. Requests that change state (anything but GET/HEAD)
// carry the X-CSRF-Token header, copied from the CSRF cookie the server sets
// at sign-in; the session itself travels in an HttpOnly cookie, which
// scripts never see. The journal's pair is `parta_session` / `parta_csrf`
// (`api`), the messenger's `parta_msession` / `parta_mcsrf` (`messengerApi`).
//
// A non-2xx answer is thrown as an ApiError carrying the HTTP status, the
// stable error code and the Russian message from the server's
// {"error": {"code": "...", "message": "..."}} body, ready to show to the user,
// and the whole error object in `details` (attempts_left, retry_after, …).

const FALLBACK_MESSAGES = {
  0: 'Нет связи с сервером. Проверьте подключение и попробуйте ещё раз.',
  400: 'Некорректный запрос.',
  401: 'Требуется вход.',
  403: 'Недостаточно прав.',
  404: 'Не найдено.',
  422: 'Проверьте введённые данные.',
  429: 'Слишком много попыток. Попробуйте позже.',
};

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null, details = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.details = details;
  }
}

export function readCookie(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return part.slice(eq + 1).trim();
      }
    }
  }
  return null;
}

function fallbackMessage(status) {
  if (status in FALLBACK_MESSAGES) return FALLBACK_MESSAGES[status];
  if (status >= 500) return 'Ошибка сервера. Попробуйте позже.';
  return `Не удалось выполнить запрос (код ${status}).`;
}

async function readJson(res) {
  const type = res.headers.get('Content-Type') || '';
  if (res.status === 204 || !type.includes('json')) return null;
  try {
    return await res.json();
  } catch {
    return null;
  }
}

async function request(csrfCookie, method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
    const csrf = readCookie(csrfCookie);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }

  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network', fallbackMessage(0));
  }

  const data = await readJson(res);
  if (res.ok) return data;

  const err = data && typeof data.error === 'object' && data.error ? data.error : {};
  let retry = Number.parseInt(res.headers.get('Retry-After') || '', 10);
  if (!Number.isFinite(retry) && Number.isFinite(err.retry_after)) retry = err.retry_after;
  throw new ApiError(
    res.status,
    typeof err.code === 'string' ? err.code : 'http_' + res.status,
    typeof err.message === 'string' && err.message ? err.message : fallbackMessage(res.status),
    Number.isFinite(retry) ? retry : null,
    err,
  );
}

// A client whose write requests echo the CSRF cookie named `csrfCookie`.
export function createApi({ csrfCookie }) {
  return {
    get: (path) => request(csrfCookie, 'GET', path),
    post: (path, body) => request(csrfCookie, 'POST', path, body),
    put: (path, body) => request(csrfCookie, 'PUT', path, body),
    patch: (path, body) => request(csrfCookie, 'PATCH', path, body),
    delete: (path, body) => request(csrfCookie, 'DELETE', path, body),
  };
}

// The journal face's client (and the login page's).
export const api = createApi({ csrfCookie: 'parta_csrf' });

// The messenger face's client.
export const messengerApi = createApi({ csrfCookie: 'parta_mcsrf' });
