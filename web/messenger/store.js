// The messages the page holds, per chat: filled from history pages (REST) and from live
// events (WebSocket), in any order. A message is kept once, by id, in its latest state;
// `lastSeq` is the highest sequence number seen in the chat, which `resume` sends after a
// reconnect. Events for a chat the page has never loaded are not kept: its history is
// fetched when it is opened.

// The later of two states of one message: a deletion is final; else the later edit.
function later(a, b) {
  if (!a) return b;
  if (a.deleted) return a;
  if (b.deleted) return b;
  return (b.edited_at || 0) >= (a.edited_at || 0) ? b : a;
}

export function createStore() {
  const chats = new Map(); // chat id → { messages: Map(id → message), lastSeq, oldest, complete }

  function put(entry, seq, message) {
    const merged = later(entry.messages.get(message.id), message);
    entry.messages.set(message.id, merged);
    entry.lastSeq = Math.max(entry.lastSeq, seq || 0, message.seq || 0);
    return merged;
  }

  return {
    get: (chatId) => chats.get(chatId) || null,

    // The chat's entry, made empty when the page starts loading it.
    ensure(chatId) {
      if (!chats.has(chatId)) {
        chats.set(chatId, { messages: new Map(), lastSeq: 0, oldest: 0, loaded: false, complete: false });
      }
      return chats.get(chatId);
    },

    drop: (chatId) => chats.delete(chatId),

    // A history page (newest first); `limit` tells whether older pages remain.
    page(chatId, messages, limit) {
      const entry = this.ensure(chatId);
      for (const m of messages) {
        put(entry, 0, m);
        entry.oldest = entry.oldest ? Math.min(entry.oldest, m.seq) : m.seq;
      }
      entry.loaded = true;
      if (messages.length < limit) entry.complete = true;
      return entry;
    },

    // A live event or an ack: the message's state now, or null for a chat not held.
    apply(chatId, seq, message) {
      const entry = chats.get(chatId);
      return entry ? put(entry, seq, message) : null;
    },

    // The chat's messages in order (by the sequence number that created them).
    list(chatId) {
      const entry = chats.get(chatId);
      return entry ? [...entry.messages.values()].sort((a, b) => a.seq - b.seq) : [];
    },

    resumeState() {
      const out = {};
      for (const [id, entry] of chats) if (entry.loaded) out[id] = entry.lastSeq;
      return out;
    },
  };
}
