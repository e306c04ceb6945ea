// A tiny wrapper around fetch() for the Parta REST API.
//
// Every request is JSON. Requests that change state (anything but GET/HEAD)
// carry the X-CSRF-Token header, copied from the `parta_csrf` cookie the
// server sets at login; the session itself travels in the HttpOnly
// `parta_session` cookie, which scripts never see.
//
// A non-2xx answer is thrown as an ApiError carrying the HTTP status, the
// stable error code and the Russian message from the server's
// {"error": {"code": "...", "message": "..."}} body, ready to show to the user.

const CSRF_COOKIE = 'parta_csrf';

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
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
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

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
    const csrf = readCookie(CSRF_COOKIE);
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
  const retry = Number.parseInt(res.headers.get('Retry-After') || '', 10);
  throw new ApiError(
    res.status,
    typeof err.code === 'string' ? err.code : 'http_' + res.status,
    typeof err.message === 'string' && err.message ? err.message : fallbackMessage(res.status),
    Number.isFinite(retry) ? retry : null,
  );
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  patch: (path, body) => request('PATCH', path, body),
  delete: (path, body) => request('DELETE', path, body),
};
