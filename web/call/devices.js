// «Проверка камеры и микрофона»: the camera's preview, a level meter of the microphone, the
// choice of devices. The stream opened here is the one the call publishes.

import { h } from '/lib/dom.js';

// Opens the chosen devices ('' = the default one; null = none of that kind). Resolves with a
// MediaStream, or null when nothing was asked for. Throws the browser's error.
export async function openStream({ audioId, videoId }) {
  if (audioId === null && videoId === null) return null;
  const audio = audioId === null ? false : audioId ? { deviceId: { exact: audioId } } : true;
  const video = videoId === null ? false
    : { width: { ideal: 640 }, height: { ideal: 360 }, ...(videoId ? { deviceId: { exact: videoId } } : {}) };
  return navigator.mediaDevices.getUserMedia({ audio, video });
}

export function stopStream(stream) {
  for (const t of stream?.getTracks() || []) t.stop();
}

// [[deviceId, label], …] of the microphones and of the cameras.
export async function listDevices() {
  const all = await navigator.mediaDevices.enumerateDevices();
  const pick = (kind, word) => all.filter((d) => d.kind === kind)
    .map((d, i) => [d.deviceId, d.label || `${word} ${i + 1}`]);
  return { audio: pick('audioinput', 'Микрофон'), video: pick('videoinput', 'Камера') };
}

// Shows the loudness of the stream's microphone in `meter` (a <meter> 0..1) until stopped.
export function levelMeter(stream, meter) {
  const track = stream?.getAudioTracks()[0];
  if (!track || !window.AudioContext) {
    meter.value = 0;
    return () => {};
  }
  const ctx = new AudioContext();
  const source = ctx.createMediaStreamSource(new MediaStream([track]));
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let frame = 0;
  const tick = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    // RMS on a rough log scale: speech lands in the middle of the bar.
    const rms = Math.sqrt(sum / samples.length);
    meter.value = Math.max(0, Math.min(1, 1 + Math.log10(rms + 1e-4) / 3));
    meter.dataset.level = meter.value.toFixed(2);
    frame = requestAnimationFrame(tick);
  };
  ctx.resume().catch(() => {});
  tick();
  return () => {
    cancelAnimationFrame(frame);
    source.disconnect();
    ctx.close().catch(() => {});
    meter.value = 0;
  };
}

// The device check: preview, level, choice. onReady(stream) runs after every (re)open.
export function deviceCheck({ preview, previewOff, meter, audioSelect, videoSelect, audioOn, videoOn, note }) {
  let stream = null;
  let stopMeter = () => {};
  let opening = 0; // the newest reopen wins when the user changes devices quickly
  let pending = Promise.resolve(null);

  async function fillSelects() {
    try {
      const { audio, video } = await listDevices();
      for (const [select, list] of [[audioSelect, audio], [videoSelect, video]]) {
        const was = select.value;
        select.replaceChildren(...list.map(([id, label]) => h('option', { value: id, text: label })));
        if (list.some(([id]) => id === was)) select.value = was;
        select.disabled = list.length === 0;
      }
    } catch {
      // enumerateDevices is best effort: the defaults work without it
    }
  }

  async function reopen() {
    const mine = ++opening;
    stopMeter();
    stopStream(stream);
    stream = null;
    note('');
    const wantAudio = audioOn.checked;
    const wantVideo = videoOn.checked;
    try {
      const opened = await openStream({
        audioId: wantAudio ? audioSelect.value : null,
        videoId: wantVideo ? videoSelect.value : null,
      });
      if (mine !== opening) {
        stopStream(opened);
        return stream;
      }
      stream = opened;
    } catch (err) {
      if (mine !== opening) return stream;
      note(err && err.name === 'NotAllowedError'
        ? 'Нет доступа к камере и микрофону. Разрешите доступ в настройках браузера или присоединитесь без них.'
        : 'Камера или микрофон недоступны. Выберите другое устройство или присоединитесь без них.');
    }
    preview.srcObject = stream && stream.getVideoTracks().length ? stream : null;
    previewOff.hidden = Boolean(preview.srcObject);
    stopMeter = levelMeter(stream, meter);
    await fillSelects();
    return stream;
  }

  function start() {
    pending = reopen();
    return pending;
  }

  for (const control of [audioSelect, videoSelect, audioOn, videoOn]) control.addEventListener('change', start);

  return {
    start,
    // Hands the stream over to the call (once the devices opened): the check no longer
    // stops it.
    async take() {
      let seen;
      do {
        seen = opening;
        await pending;
      } while (seen !== opening);
      stopMeter();
      const s = stream;
      stream = null;
      preview.srcObject = null;
      return s;
    },
    stop() {
      stopMeter();
      stopStream(stream);
      stream = null;
    },
  };
}
