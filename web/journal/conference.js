// What the distance-lesson screens share (SPEC §7): the words of a
// conference's type and state, the dates as the journal writes them, and
// «Открыть» — going to the call page only when the server would let the user
// in, otherwise showing its reason in an «окно-уведомление»
// («Дистанционный урок еще не начался», «Звонок завершен», «Сервер
// видеосвязи недоступен. Попробуйте позже.»).
//
// Dates and times come from the server already in the organisation's time
// zone ("date": ГГГГ-ММ-ДД, "start"/"end": ЧЧ:ММ); nothing here converts them.

import { api } from '/lib/api.js';
import { noticeDialog } from '/lib/ui.js';

export const KIND_LABELS = { lesson: 'Онлайн-урок', call: 'Видеозвонок' };
export const STATE_LABELS = { planned: 'Запланирована', active: 'Активная', finished: 'Завершена' };
// A distance lesson in the class journal is «он»: «Запланирован», «Идёт», «Завершён».
export const LESSON_STATE_LABELS = { planned: 'Запланирован', active: 'Идёт', finished: 'Завершён' };

const WEEKDAYS = ['Воскресенье', 'Понедельник', 'Вторник', 'Среда', 'Четверг', 'Пятница', 'Суббота'];
const WEEKDAYS_SHORT = ['Вс', 'Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб'];
const MONTHS_OF = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа',
  'сентября', 'октября', 'ноября', 'декабря'];

// {y, m, d} of «ГГГГ-ММ-ДД», or null.
function parts(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
}

// A calendar date as a UTC midnight Date (no time zone shifts the day).
export function utcDate(iso) {
  const p = parts(iso);
  return p ? new Date(Date.UTC(p.y, p.m - 1, p.d)) : null;
}

export function isoDate(date) {
  return date.toISOString().slice(0, 10);
}

// «ГГГГ-ММ-ДД» of today on this device.
export function todayIso() {
  const now = new Date();
  return isoDate(new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate())));
}

export function addDays(iso, days) {
  const d = utcDate(iso);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}

// The Monday of the week of a date.
export function mondayOf(iso) {
  const d = utcDate(iso);
  return addDays(iso, -((d.getUTCDay() + 6) % 7));
}

// «5.12.22», as the class journal of the seed writes «Дата урока».
export function shortDate(iso) {
  const p = parts(iso);
  return p ? `${p.d}.${String(p.m).padStart(2, '0')}.${String(p.y % 100).padStart(2, '0')}` : iso || '';
}

// «05.12.2022».
export function fullDate(iso) {
  const p = parts(iso);
  return p ? `${String(p.d).padStart(2, '0')}.${String(p.m).padStart(2, '0')}.${p.y}` : iso || '';
}

// «Понедельник, 5 декабря 2022 г.»
export function longDate(iso) {
  const d = utcDate(iso);
  if (!d) return iso || '';
  return `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS_OF[d.getUTCMonth()]} ${d.getUTCFullYear()} г.`;
}

// «Пн».
export function weekdayShort(iso) {
  const d = utcDate(iso);
  return d ? WEEKDAYS_SHORT[d.getUTCDay()] : '';
}

// «08:00 - 08:45».
export const timeRange = (start, end) => `${start || ''} - ${end || ''}`;

// «Урок по предмету «Краеведение» от 16.12.2022 15:50» (SPEC §7), as the server names one.
export const defaultLessonName = (subject, date, start) => `Урок по предмету «${subject}» от ${fullDate(date)} ${start}`;

// The call page of a conference (another screen's; it joins by itself).
export const callUrl = (org, id) => `/call/?org=${encodeURIComponent(org)}&conf=${encodeURIComponent(id)}`;

// «Открыть» / «Перейти» / the diary's icon: asks the server whether the user
// may join now (POST …/join) and goes to the call page if so; otherwise shows
// the server's reason. Resolves true when the page is going to the call.
export async function openConference(ctx, id, { button = null, title = 'Уведомление' } = {}) {
  if (button) button.disabled = true;
  try {
    await api.post(`${ctx.base}/conferences/${id}/join`, {});
  } catch (err) {
    if (button) button.disabled = false;
    await noticeDialog({ title, text: err.message, name: 'conference-notice' });
    return false;
  }
  location.assign(callUrl(ctx.account.org.id, id));
  return true;
}
