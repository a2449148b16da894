// Sending the queue (docs/field-app.md, "Offline and sync"). Records go first, in the order
// they were made, then the photos of records already stored. Every record carries its client
// uuid, so sending it twice stores it once: a 200 ("already stored") counts as sent. A 4xx
// other than 401/404 is a refusal, kept with the server's message and not sent again; a
// network error or a 5xx leaves the item queued for the next try.
import * as db from "./db.js";

const ENDPOINTS = { visit: "/api/visits/", checkin: "/api/checkins/", concern: "/api/concerns/" };

class NetworkError extends Error {}
class SignedOut extends Error {}

function cookie(name) {
  const found = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
}

// The device token, asked once with the signed-in session and kept on the phone: the
// session may end while the phone is offline, the token lasts (FUPIN_API_TOKEN_DAYS).
async function token() {
  const kept = await db.get("token");
  if (kept) return kept;
  let response;
  try {
    response = await fetch("/api/auth/token/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken") },
      body: JSON.stringify({ device: "扶贫走访 " + navigator.platform }),
    });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  if (!response.ok) throw new SignedOut(String(response.status));
  const key = (await response.json()).token;
  await db.set("token", key);
  return key;
}

async function call(path, options = {}) {
  const key = await token();
  let response;
  try {
    response = await fetch(path, {
      ...options,
      credentials: "omit",
      headers: { ...(options.headers || {}), Authorization: "Token " + key },
    });
  } catch (error) {
    throw new NetworkError(String(error));
  }
  if (response.status === 401) {
    await db.remove("token"); // revoked or expired: ask a new one with the session next time
    throw new SignedOut("401");
  }
  return response;
}

// The server's words for a refusal: its detail, or each field's first message.
function describe(body) {
  if (body.detail) return String(body.detail);
  return Object.entries(body)
    .map(([field, errors]) => field + ": " + (Array.isArray(errors) ? errors.join(" ") : errors))
    .join("；");
}

async function refusal(response) {
  try {
    return describe(await response.json());
  } catch (error) {
    return String(response.status);
  }
}

export async function refresh() {
  const me = await call("/api/me/");
  if (me.ok) await db.set("me", await me.json());
  const list = await call("/api/me/households/");
  if (list.ok) await db.replaceHouseholds((await list.json()).results);
}

// A record's answer: stored (201, or 200 already stored), refused (another 4xx but 404), or
// left queued (404 or a server error: try again later).
async function settle(record, status, stored, error) {
  if (status === 200 || status === 201) {
    record.state = "sent";
    record.flags = stored.flags || [];
    record.sentAt = new Date().toISOString();
  } else if (status >= 400 && status < 500 && status !== 404) {
    record.state = "refused";
    record.error = await error();
  } else {
    return;
  }
  await db.putRecord(record);
}

async function sendRecord(record) {
  const response = await call(ENDPOINTS[record.kind], {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(record.body),
  });
  const ok = response.status === 200 || response.status === 201;
  await settle(record, response.status, ok ? await response.json() : {}, () => refusal(response));
}

// Visits go as lists of up to BATCH (docs/api.md "Batches"): one request syncs a day's work,
// each visit answered on its own. A list the server does not take goes one visit at a time.
const BATCH = 100;

async function sendVisits(visits) {
  for (let start = 0; start < visits.length; start += BATCH) {
    const group = visits.slice(start, start + BATCH);
    const response = await call(ENDPOINTS.visit, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(group.map((record) => record.body)),
    });
    if (response.status !== 200) {
      for (const record of group) await sendRecord(record);
      continue;
    }
    const answers = await response.json();
    for (const [index, record] of group.entries()) {
      const answer = answers[index] || {};
      await settle(record, answer.status, answer.visit || {}, async () => describe(answer.errors || {}));
    }
  }
}

async function sendPhoto(photo) {
  const form = new FormData();
  form.append("file", photo.blob, photo.id + ".jpg");
  form.append("record_uuid", photo.record_uuid);
  form.append("sha256", photo.sha256);
  const response = await call("/api/photos/", { method: "POST", body: form });
  if (response.status === 200 || response.status === 201) {
    photo.state = "sent";
    photo.blob = null; // stored on the server: free the phone's space
  } else if (response.status >= 400 && response.status < 500 && response.status !== 404) {
    photo.state = "refused";
    photo.error = await refusal(response);
  } else {
    return; // 404: its record is not stored yet
  }
  await db.putPhoto(photo);
}

let running = null;

// One sync at a time; a second call while one runs waits for it.
export function sync() {
  if (!running) running = run().finally(() => (running = null));
  return running;
}

async function run() {
  try {
    const queued = (await db.records()).filter((record) => record.state === "queued");
    await sendVisits(queued.filter((record) => record.kind === "visit"));
    for (const record of queued) {
      if (record.kind !== "visit") await sendRecord(record);
    }
    const sent = new Set(
      (await db.records()).filter((r) => r.state === "sent").map((r) => r.uuid),
    );
    for (const photo of await db.photos()) {
      if (photo.state === "queued" && sent.has(photo.record_uuid)) await sendPhoto(photo);
    }
    await refresh();
    await db.set("lastSync", new Date().toISOString());
    return { ok: true };
  } catch (error) {
    if (error instanceof NetworkError) return { ok: false, offline: true };
    if (error instanceof SignedOut) return { ok: false, signedOut: true };
    throw error;
  }
}

export async function pending() {
  const records = (await db.records()).filter((r) => r.state === "queued");
  const photos = (await db.photos()).filter((p) => p.state === "queued");
  return { records: records.length, photos: photos.length };
}
