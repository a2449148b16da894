// The field app (docs/field-app.md): my households, record a visit, check in, raise a
// concern — all offline. Each screen is drawn from what the phone keeps (db.js); a new record
// is saved to the queue first and sent by sync.js when there is a network.
import * as db from "./db.js";
import { prepare } from "./photo.js";
import { pending, refresh, sync } from "./sync.js";

const T = JSON.parse(document.getElementById("m-strings").textContent);
const BASE = document.body.dataset.shell; // "/m/"
const main = document.getElementById("m-main");
const MAX_PHOTOS = 3;

// -- drawing -------------------------------------------------------------------------------
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) el.append(child);
  }
  return el;
}

function field(label, input, help) {
  const id = input.id || (input.id = "f-" + input.name);
  return h(
    "div",
    { class: "mb-3" },
    h("label", { class: "form-label", for: id, text: label }),
    input,
    help ? h("div", { class: "form-text", text: help }) : null,
  );
}

function message(text, kind = "success") {
  const box = document.getElementById("m-message");
  box.className = "alert m-2 alert-" + kind;
  box.textContent = text;
  if (!text) box.classList.add("d-none");
}

function flagLabels(flags) {
  return (flags || []).map((f) => h("span", { class: "badge text-bg-warning me-1", text: T.flags[f] || f }));
}

// -- dates: "today" is the server's (GET /api/me/), kept for offline use ------------------
async function me() {
  return (await db.get("me")) || {};
}

function isoToday() {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

function addDays(iso, days) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// -- status bar ----------------------------------------------------------------------------
function when(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getMonth() + 1}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function status() {
  const count = await pending();
  document.getElementById("m-unsent-count").textContent = String(count.records);
  document.getElementById("m-unsent-label").textContent =
    T.records + (count.photos ? "，" + count.photos + " " + T.photosPending : "");
  const last = await db.get("lastSync");
  document.getElementById("m-last-sync").textContent =
    T.lastSync + " " + (last ? when(last) : T.never);
  const net = document.getElementById("m-net");
  net.textContent = navigator.onLine ? T.online : T.offline;
  net.className = "badge ms-auto " + (navigator.onLine ? "text-bg-success" : "text-bg-secondary");
}

async function runSync() {
  const button = document.getElementById("m-sync");
  button.disabled = true;
  button.textContent = T.syncing;
  document.body.dataset.sync = "running";
  try {
    const result = await sync();
    if (result.signedOut) message(T.signIn, "warning");
  } finally {
    button.disabled = false;
    button.textContent = T.sync;
    document.body.dataset.sync = "idle";
    await status();
    if (!document.querySelector("form")) await draw(); // a list may have changed
  }
}

// -- screens -------------------------------------------------------------------------------
function link(href, text, cls = "btn btn-outline-danger btn-sm") {
  return h("a", { href, class: cls, text });
}

async function homeScreen() {
  const list = await db.households();
  const queued = (await db.records()).filter((r) => r.kind === "visit");
  if (!list.length) return [h("p", { class: "text-muted", text: T.noHouseholds })];
  list.sort((a, b) => a.number.localeCompare(b.number));
  return [
    h("h1", { class: "h5", text: T.households }),
    h(
      "div",
      { id: "m-households" },
      list.map((hh) => {
        const mine = queued.filter((r) => r.body.household === hh.id);
        const visits = [
          ...mine.map((r) =>
            h("li", {}, `${r.body.visited_on} ${kindLabel(r.body.kind)} · `, h("em", { text: stateLabel(r.state) }), " ", r.body.content),
          ),
          ...(hh.last_visits || []).map((v) =>
            h("li", { text: `${v.visited_on} ${v.kind_label} ${v.cadre_name}：${v.content}` }),
          ),
        ];
        return h(
          "div",
          { class: "card mb-2 m-household", "data-id": hh.id },
          h(
            "div",
            { class: "card-body p-2" },
            h(
              "div",
              { class: "d-flex align-items-start gap-2" },
              h(
                "div",
                {},
                h("div", { class: "fw-bold", text: hh.head_name }),
                h("div", { class: "small text-muted", text: `${hh.number} · ${hh.village_name}` }),
                h("div", { class: "small", text: [hh.attribute_label, hh.status_label].filter(Boolean).join(" · ") }),
              ),
              link(`${BASE}visit/${hh.id}/`, T.recordVisit, "btn btn-danger btn-sm ms-auto"),
            ),
            h(
              "details",
              { class: "mt-1" },
              h("summary", { class: "small", text: `${T.members} (${(hh.members || []).length}) · ${T.plan} · ${T.lastVisits}` }),
              h(
                "ul",
                { class: "small mb-1" },
                (hh.members || []).map((m) =>
                  h("li", { text: `${m.name} ${m.relation_label} ${m.sex_label} ${m.age ?? ""} ${m.id_number_masked}` }),
                ),
              ),
              hh.plan
                ? h(
                    "div",
                    { class: "small" },
                    h("strong", { text: `${T.plan} ${hh.plan.year}` }),
                    h("ul", { class: "mb-1" }, hh.plan.measures.map((ms) => h("li", { text: `${ms.type_label}：${ms.content}（${ms.state_label}）` }))),
                  )
                : null,
              h("strong", { class: "small", text: T.lastVisits }),
              visits.length ? h("ul", { class: "small mb-1" }, visits) : h("p", { class: "small text-muted", text: T.noVisits }),
              link(`${BASE}concern/?household=${hh.id}`, T.concern),
            ),
          ),
        );
      }),
    ),
  ];
}

function kindLabel(kind) {
  const found = T.kinds.find(([value]) => value === kind);
  return found ? found[1] : kind;
}

function stateLabel(state) {
  return { queued: T.stateQueued, sent: T.stateSent, refused: T.stateRefused }[state] || state;
}

function photoInput(multiple) {
  return h("input", { type: "file", name: "photos", accept: "image/*", capture: "environment", class: "form-control", multiple });
}

// A record with its photos goes into the queue in one step, then a sync is tried.
async function save(kind, body, files) {
  if (files.length > MAX_PHOTOS) throw new Error(T.tooManyPhotos);
  const uuid = crypto.randomUUID();
  const items = [];
  for (const file of files) items.push(await prepare(file, uuid));
  await db.enqueue({ uuid, kind, body: { uuid, ...body }, state: "queued", error: "", flags: [], createdAt: new Date().toISOString() }, items);
  await status();
  message(T.saved);
  if (navigator.onLine) runSync();
}

function formScreen(title, fields, onSubmit) {
  const form = h("form", { class: "m-form", novalidate: true }, h("h1", { class: "h5", text: title }), fields, h("button", { class: "btn btn-danger w-100", type: "submit", text: T.save }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await onSubmit(form);
    } catch (error) {
      message(error.message, "danger");
      button.disabled = false;
    }
  });
  return [form];
}

function required(form, name) {
  const input = form.elements[name];
  const value = input.value.trim();
  if (!value) {
    input.focus();
    throw new Error(T.required + "（" + input.labels[0].textContent + "）");
  }
  return value;
}

async function visitScreen(id) {
  const hh = await db.household(id);
  if (!hh) return [h("p", { class: "text-muted", text: T.unknownHousehold })];
  const info = await me();
  const today = info.today || isoToday();
  const days = (info.backdate_days || {}).visit ?? 7;
  const date = h("input", { type: "date", name: "visited_on", value: today, max: today, class: "form-control", required: true });
  const reason = h("input", { type: "text", name: "backdate_reason", class: "form-control" });
  const reasonBox = field(T.backdateReason, reason, T.backdateHelp);
  const early = () => date.value && date.value < addDays(today, -days);
  const toggle = () => reasonBox.classList.toggle("d-none", !early());
  date.addEventListener("change", toggle);
  toggle();
  const kind = h("select", { name: "kind", class: "form-select" }, T.kinds.map(([value, label]) => h("option", { value, text: label })));
  const photos = photoInput(true);
  return formScreen(
    `${T.recordVisit} · ${hh.head_name}`,
    [
      field(T.kind, kind),
      field(T.date, date),
      reasonBox,
      field(T.content, h("textarea", { name: "content", rows: 4, class: "form-control", required: true })),
      field(T.photos, photos),
    ],
    async (form) => {
      const content = required(form, "content");
      const visitedOn = required(form, "visited_on");
      if (visitedOn > today) throw new Error(T.future);
      const body = { household: hh.id, visited_on: visitedOn, kind: kind.value, content };
      if (early()) body.backdate_reason = required(form, "backdate_reason");
      await save("visit", body, Array.from(photos.files));
      go(BASE);
    },
  );
}

async function checkinScreen() {
  const info = await me();
  const today = info.today || isoToday();
  const position = h("div", { id: "m-position", class: "form-control-plaintext", text: T.locating });
  const lat = h("input", { type: "hidden", name: "lat" });
  const lon = h("input", { type: "hidden", name: "lon" });
  if (navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(
      (p) => {
        lat.value = p.coords.latitude.toFixed(6);
        lon.value = p.coords.longitude.toFixed(6);
        position.textContent = `${lat.value}, ${lon.value} (±${Math.round(p.coords.accuracy)} m)`;
        position.dataset.located = "yes";
      },
      () => (position.textContent = T.noPosition),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  } else {
    position.textContent = T.noPosition;
  }
  const photo = photoInput(false);
  const village = info.cadre ? info.cadre.village_name || "" : "";
  return formScreen(
    `${T.checkIn} · ${today}${village ? " · " + village : ""}`,
    [
      field(T.position, position),
      lat,
      lon,
      field(T.photo, photo),
      field(T.note, h("input", { type: "text", name: "note", class: "form-control" })),
    ],
    async (form) => {
      const body = { day: today, note: form.elements.note.value.trim() };
      if (lat.value && lon.value) Object.assign(body, { lat: Number(lat.value), lon: Number(lon.value) });
      await save("checkin", body, Array.from(photo.files));
      go(BASE + "queue/");
    },
  );
}

async function concernScreen() {
  const list = await db.households();
  const chosen = new URLSearchParams(location.search).get("household") || "";
  const info = await me();
  const household = h(
    "select",
    { name: "household", class: "form-select" },
    h("option", { value: "", text: T.villageOnly }),
    list.map((hh) => h("option", { value: hh.id, text: `${hh.head_name} ${hh.number}`, selected: String(hh.id) === chosen })),
  );
  const category = h("select", { name: "category", class: "form-select" }, T.categories.map(([value, label]) => h("option", { value, text: label })));
  return formScreen(
    T.concern,
    [field(T.household, household), field(T.category, category), field(T.text, h("textarea", { name: "text", rows: 4, class: "form-control" }))],
    async (form) => {
      const body = { text: required(form, "text"), category: category.value };
      if (household.value) body.household = Number(household.value);
      else if (myVillage(info)) body.village = myVillage(info);
      await save("concern", body, []);
      go(BASE + "queue/");
    },
  );
}

// The village a concern about no one household belongs to: the cadre's, or a village team's.
function myVillage(info) {
  if (info.cadre && info.cadre.village) return info.cadre.village;
  const role = (info.roles || []).find((r) => r.area && r.area.length === 12);
  return role ? role.area : "";
}

async function queueScreen() {
  const records = (await db.records()).slice().reverse();
  const photos = await db.photos();
  const names = Object.fromEntries((await db.households()).map((hh) => [hh.id, hh.head_name]));
  return [
    h("h1", { class: "h5", text: T.queue }),
    h(
      "ul",
      { class: "list-group", id: "m-queue" },
      records.map((r) => {
        const mine = photos.filter((p) => p.record_uuid === r.uuid);
        const what = { visit: T.kindVisit, checkin: T.kindCheckin, concern: T.kindConcern }[r.kind];
        const about = r.kind === "visit" ? `${names[r.body.household] || ""} ${r.body.visited_on}` : r.body.day || (r.body.text || "").slice(0, 20);
        return h(
          "li",
          { class: "list-group-item small m-record", "data-state": r.state, "data-kind": r.kind },
          h("span", { class: "badge me-1 " + (r.state === "refused" ? "text-bg-danger" : r.state === "sent" ? "text-bg-success" : "text-bg-secondary"), text: stateLabel(r.state) }),
          `${what} ${about}`,
          mine.length ? ` 📷${mine.length}` : "",
          " ",
          flagLabels(r.flags),
          r.error ? h("div", { class: "text-danger", text: r.error }) : null,
          mine.filter((p) => p.error).map((p) => h("div", { class: "text-danger", text: p.error })),
        );
      }),
    ),
  ];
}

// -- routing: every /m/ path is this page; links inside the app do not reload it -----------
async function draw() {
  const path = location.pathname.slice(BASE.length);
  const visit = path.match(/^visit\/(\d+)\/?$/);
  let tab = "home";
  let nodes;
  if (visit) nodes = await visitScreen(visit[1]);
  else if (path.startsWith("checkin")) (tab = "checkin"), (nodes = await checkinScreen());
  else if (path.startsWith("concern")) (tab = "concern"), (nodes = await concernScreen());
  else if (path.startsWith("queue")) (tab = "queue"), (nodes = await queueScreen());
  else nodes = await homeScreen();
  main.replaceChildren(...nodes);
  document.querySelectorAll("[data-tab]").forEach((a) => a.classList.toggle("active", a.dataset.tab === tab && !visit));
  document.body.dataset.screen = visit ? "visit" : tab;
}

function go(href) {
  history.pushState(null, "", href);
  draw();
}

document.addEventListener("click", (event) => {
  const a = event.target.closest("a[href]");
  if (!a || a.origin !== location.origin || !a.pathname.startsWith(BASE)) return;
  event.preventDefault();
  message("");
  go(a.pathname + a.search);
});
window.addEventListener("popstate", draw);
window.addEventListener("online", () => status().then(runSync));
window.addEventListener("offline", status);
document.getElementById("m-sync").addEventListener("click", runSync);

async function start() {
  // Ask the browser not to evict the queue when the phone runs short of space.
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => null);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(document.body.dataset.sw, { scope: "/" }).catch(() => null);
  }
  await status();
  await draw();
  document.body.dataset.ready = "yes";
  if (navigator.onLine) {
    // A first start has nothing kept yet: fetch the households before anything else.
    if (!(await db.households()).length) await refresh().catch(() => null);
    await draw();
    runSync();
  }
}

start();
